import HTTPTypes
import HummingbirdTesting
import Relay
import RelayModel
import RelayStore
import Testing

@Suite("Integrations API: every type's rules over HTTP")
struct IntegrationRulesAPITests {
    /// One bad config per type and the key the refusal must name.
    static let bad: [(IntegrationType, String, String)] = [
        (
            .awsS3,
            #"{"s3Uri":"bucket","region":"us-east-1","roleArn":"arn:aws:iam::123456789012:role/r","externalId":"3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b"}"#,
            "integrationConfig.s3Uri"
        ),
        (
            .amazonSQS,
            #"{"queueUrl":"https://sqs.us-east-1.amazonaws.com/1/q","moreInfo":true,"roleArn":"arn:aws:iam::123456789012:role/r","externalId":"nope"}"#,
            "integrationConfig.externalId"
        ),
        (.azureServiceBusQueue, #"{"queueUrl":"https://b.servicebus.windows.net/q"}"#, "integrationConfig.connectionString"),
        (.demisto, #"{"hostUrl":"https://x.example.com"}"#, "integrationConfig.apiKey"),
        (.googleCSCC, #"{"orgId":"123"}"#, "integrationConfig.sourceId"),
        (.microsoftTeams, #"{"url":"teams"}"#, "integrationConfig.url"),
        (.okta, #"{"domain":"https://e.okta.com","apiToken":"t"}"#, "integrationConfig.domain"),
        (.pagerDuty, #"{"integrationKey":"abc"}"#, "integrationConfig.integrationKey"),
        (.qualys, #"{"login":"u","baseUrl":"q.example.com"}"#, "integrationConfig.password"),
        (
            .serviceNow, #"{"hostUrl":"https://e.service-now.com","login":"u","password":"p","tables":[{"changes":true}]}"#,
            "integrationConfig.tables"
        ),
        (.slack, #"{"webhookUrl":"http://hooks.slack.com/services/x"}"#, "integrationConfig.webhookUrl"),
        (
            .snowflake,
            #"{"username":"A.U","pipename":"p","stagingIntegrationId":"s","privateKey":"-----BEGIN PRIVATE KEY-----x-----END PRIVATE KEY-----","rollUpInterval":45}"#,
            "integrationConfig.rollUpInterval"
        ),
        (.splunk, #"{"url":"https://s.example.com","authToken":"t","sourcetype":"_json"}"#, "integrationConfig.sourcetype"),
        (.tenable, #"{"accessKey":"a"}"#, "integrationConfig.secretKey"),
        (
            .webhook, #"{"url":"https://h.example.com","authToken":"t","isCustomPayloadEnabled":true,"customPayloads":{"CS":"not json"}}"#,
            "integrationConfig.customPayloads"
        ),
    ]

    @Test("each type refuses a bad config naming the key, in both API shapes", arguments: bad)
    func refusals(type: IntegrationType, config: String, field: String) async throws {
        let api = try await APIHarness()
        try await api.run { client in
            let v1 = try await client.call(
                .post, "/api/v1/tenant/1/integration", api.bearer,
                json: #"{"name":"x","integrationType":"\#(type.rawValue)","integrationConfig":\#(config)}"#)
            #expect(v1.status == .badRequest)
            #expect(v1.json?["subErrors"]?.arrayValue?.compactMap { $0["field"]?.stringValue } == [field], "\(v1.text)")
            let legacy = try await client.call(
                .post, "/integration", api.bearer,
                json: #"{"name":"x","integrationType":"\#(type.rawValue)","integrationConfig":\#(config),"enabled":true}"#)
            #expect(legacy.redlockStatus?.contains(#""subject":"\#(field):"#) == true, "\(legacy.redlockStatus ?? "")")
        }
    }

    @Test(
        "for every type, a config read back masked and sent back unchanged leaves the stored secrets as they were",
        arguments: IntegrationsAPITests.configs.map(\.0))
    func maskedRoundTrip(type: IntegrationType) async throws {
        let config = try #require(IntegrationsAPITests.configs.first { $0.0 == type }?.1)
        let api = try await APIHarness()
        try await api.run { client in
            let created = try await client.call(
                .post, "/api/v1/tenant/1/integration", api.bearer,
                json: #"{"name":"x","integrationType":"\#(type.rawValue)","integrationConfig":\#(config)}"#)
            let id = try #require(created.json?["id"]?.stringValue, "\(created.text)")
            let before = try await api.app.store.integration(id: id)?.config
            let shown = try #require(try await client.call(.get, "/integration/\(id)", api.bearer).json?["integrationConfig"])
            let echoed = try await client.call(
                .put, "/api/v1/tenant/1/integration/\(id)", api.bearer, json: #"{"name":"x","integrationConfig":\#(shown.jsonString())}"#)
            #expect(echoed.status == .ok, "\(echoed.text)")
            #expect(try await api.app.store.integration(id: id)?.config == before)
        }
    }
}
