import Delivery
import Foundation
import HTTPServing
import HTTPTypes
import HummingbirdTesting
import PrismaSim
import Relay
import RelayModel
import RelayServer
import RelayStore
import TestSupport
import Testing

@Suite("Integrations API")
struct IntegrationsAPITests {
    /// A valid config per type, and one secret value in it that must never come back.
    static let configs: [(IntegrationType, String, String)] = [
        (
            .awsS3,
            #"{"s3Uri":"s3://alerts/p/","region":"us-east-1","roleArn":"arn:aws:iam::123456789012:role/relay","externalId":"3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b"}"#,
            ""
        ),
        (
            .amazonSQS,
            #"{"queueUrl":"https://sqs.us-east-1.amazonaws.com/123456789012/q","moreInfo":true,"accessKey":"AKIAEXAMPLEKEY","secretKey":"SQS-SECRET-VALUE"}"#,
            "SQS-SECRET-VALUE"
        ),
        (
            .azureServiceBusQueue,
            #"{"queueUrl":"https://b.servicebus.windows.net/q","connectionString":"Endpoint=sb://b/;SharedAccessKeyName=s;SharedAccessKey=SB-SECRET-VALUE"}"#,
            "SB-SECRET-VALUE"
        ),
        (.demisto, #"{"hostUrl":"https://xsoar.example.com","apiKey":"XSOAR-SECRET-VALUE"}"#, "XSOAR-SECRET-VALUE"),
        (.googleCSCC, #"{"orgId":"123","sourceId":"456"}"#, ""),
        (.microsoftTeams, #"{"url":"https://e.webhook.office.com/webhookb2/x?sig=TEAMS-SECRET-VALUE"}"#, "TEAMS-SECRET-VALUE"),
        (.okta, #"{"domain":"e.okta.com","apiToken":"OKTA-SECRET-VALUE"}"#, "OKTA-SECRET-VALUE"),
        (.pagerDuty, #"{"integrationKey":"PDSECRETVALUE0123456789abcdef012"}"#, "PDSECRETVALUE"),
        (.qualys, #"{"login":"u","baseUrl":"qualysapi.qualys.com","password":"QUALYS-SECRET-VALUE"}"#, "QUALYS-SECRET-VALUE"),
        (
            .serviceNow,
            #"{"hostUrl":"https://e.service-now.com","login":"u","password":"SNOW-SECRET-VALUE","tables":[{"incident":true}]}"#,
            "SNOW-SECRET-VALUE"
        ),
        (.slack, #"{"webhookUrl":"https://hooks.slack.com/services/T1/B1/SLACKSECRETVALUE"}"#, "SLACKSECRETVALUE"),
        (
            .snowflake,
            #"{"username":"A.U","pipename":"D.S.P","stagingIntegrationId":"s3","privateKey":"-----BEGIN PRIVATE KEY-----SNOWFLAKE-SECRET-VALUE-----END PRIVATE KEY-----"}"#,
            "SNOWFLAKE-SECRET-VALUE"
        ),
        (.splunk, #"{"url":"https://s.example.com:8088","authToken":"SPLUNK-SECRET-VALUE"}"#, "SPLUNK-SECRET-VALUE"),
        (.tenable, #"{"accessKey":"TENABLE-ACCESS-VALUE","secretKey":"TENABLE-SECRET-VALUE"}"#, "TENABLE-SECRET-VALUE"),
        (
            .webhook,
            #"{"url":"https://h.example.com/in","authToken":"WEBHOOK-SECRET-VALUE","headers":[{"key":"X-Api-Key","value":"HEADER-SECRET-VALUE","secure":true}]}"#,
            "WEBHOOK-SECRET-VALUE"
        ),
    ]

    @Test("every route but /healthz needs a credential; /login exchanges a key pair for a JWT")
    func authentication() async throws {
        let api = try await APIHarness()
        try await api.run { client in
            #expect(try await client.call(.get, "/healthz", [:]).status == .ok)
            let anonymous = try await client.call(.get, "/integration", [:])
            #expect(anonymous.status == .unauthorized)
            #expect(anonymous.redlockStatus?.contains("auth_token_missing") == true)
            #expect(try await client.call(.get, "/integration", [.authorization: "Bearer \(api.keyID):wrong"]).status == .unauthorized)
            let login = try await client.call(
                .post, "/login", [.contentType: "application/json"], json: #"{"username":"\#(api.keyID)","password":"\#(api.secret)"}"#)
            #expect(login.json?["message"]?.stringValue == "login_successful")
            let token = try #require(login.json?["token"]?.stringValue)
            #expect(try await client.call(.get, "/integration", [HTTPField.Name("x-redlock-auth")!: token]).status == .ok)
            #expect(try await client.call(.get, "/auth_token/extend", [HTTPField.Name("x-redlock-auth")!: token]).json?["token"] != nil)
            #expect(
                try await client.call(.post, "/login", [:], json: #"{"username":"\#(api.keyID)","password":"nope"}"#).status
                    == .unauthorized)
        }
    }

    @Test("every type is stored with its defaults, listed in both shapes, with secrets masked")
    func createAndList() async throws {
        let api = try await APIHarness()
        try await api.run { client in
            for (type, config, secret) in Self.configs {
                let body =
                    #"{"name":"\#(type.rawValue)-1","integrationType":"\#(type.rawValue)","integrationConfig":\#(config),"enabled":true}"#
                let created = try await client.call(.post, "/integration", api.bearer, json: body)
                #expect(created.status == .ok, "\(type.rawValue): \(created.text)")
                if !secret.isEmpty { #expect(!created.text.contains(secret)) }
            }
            let legacy = try await client.call(.get, "/integration", api.bearer)
            let v1 = try await client.call(.get, "/api/v1/tenant/1/integration", api.bearer)
            #expect(legacy.json?.arrayValue?.count == 15)
            #expect(v1.json?.arrayValue?.count == 15)
            for (_, _, secret) in Self.configs where !secret.isEmpty {
                #expect(!legacy.text.contains(secret), "\(secret) leaked")
                #expect(!v1.text.contains(secret), "\(secret) leaked")
            }
            let splunk = legacy.json?.arrayValue?.first { $0["integrationType"]?.stringValue == "splunk" }
            #expect(splunk?["integrationConfig"]?["sourceType"]?.stringValue == "_json")
            #expect(splunk?["integrationConfig"]?["authToken"]?.stringValue == "********")
            #expect(splunk?["status"]?.stringValue == "GREEN")
            let filtered = try await client.call(.get, "/integration?type=slack", api.bearer)
            #expect(filtered.json?.arrayValue?.map { $0["integrationType"]?.stringValue } == ["slack"])
            let channels = try await client.call(.get, "/api/v1/tenant/1/integration/channels", api.bearer)
            #expect(channels.json?.arrayValue?.count == 15)
        }
    }

    @Test("a bad config is refused with Prisma's error form, naming the field")
    func badConfig() async throws {
        let api = try await APIHarness()
        try await api.run { client in
            let legacy = try await client.call(
                .post, "/integration", api.bearer,
                json: #"{"name":"s","integrationType":"slack","integrationConfig":{"webhookUrl":"https://example.com/x"},"enabled":true}"#)
            #expect(legacy.status == .badRequest)
            #expect(legacy.redlockStatus?.contains("invalid_integration_config") == true)
            #expect(legacy.redlockStatus?.contains("integrationConfig.webhookUrl: must start with https://hooks.slack.com/") == true)
            let v1 = try await client.call(
                .post, "/api/v1/tenant/1/integration", api.bearer,
                json: #"{"name":"s","integrationType":"splunk","integrationConfig":{"url":"https://s.example.com"}}"#)
            #expect(v1.status == .badRequest)
            #expect(v1.json?["status"]?.stringValue == "400 BAD_REQUEST")
            #expect(v1.json?["subErrors"]?.arrayValue?.first?["field"]?.stringValue == "integrationConfig.authToken")
            let missing = try await client.call(.post, "/integration", api.bearer, json: #"{"name":"x","integrationConfig":{}}"#)
            #expect(missing.redlockStatus?.contains("missing_integration_type") == true)
            _ = try await client.call(
                .post, "/integration", api.bearer,
                json: #"{"name":"dup","integrationType":"tenable","integrationConfig":{"accessKey":"a","secretKey":"b"},"enabled":true}"#)
            let duplicate = try await client.call(
                .post, "/integration", api.bearer,
                json: #"{"name":"dup","integrationType":"tenable","integrationConfig":{"accessKey":"a","secretKey":"b"},"enabled":true}"#)
            #expect(duplicate.redlockStatus?.contains("integration_name_already_exists") == true)
        }
    }

    @Test("an update that echoes the masked config keeps the secrets; ServiceNow hostUrl refuses to change")
    func updates() async throws {
        let api = try await APIHarness()
        try await api.run { client in
            let created = try await client.call(
                .post, "/api/v1/tenant/1/integration", api.bearer,
                json:
                    #"{"name":"snow","integrationType":"service_now","integrationConfig":{"hostUrl":"https://e.service-now.com","login":"u","password":"SNOW-PW","tables":[{"incident":true}]}}"#
            )
            let id = try #require(created.json?["id"]?.stringValue)
            var config = try #require(created.json?["integrationConfig"]?.objectValue)
            #expect(config["password"] == .string("********"))
            config["login"] = .string("v")
            let echoed = try await client.call(
                .put, "/api/v1/tenant/1/integration/\(id)", api.bearer,
                json: #"{"name":"snow","integrationConfig":\#(JSONValue.object(config).jsonString())}"#)
            #expect(echoed.status == .ok, "\(echoed.text)")
            let stored = try #require(try await api.app.store.integration(id: id))
            #expect(stored.config["password"] == .string("SNOW-PW"))
            #expect(stored.config["login"] == .string("v"))
            config["hostUrl"] = .string("https://elsewhere.service-now.com")
            let moved = try await client.call(
                .put, "/integration/\(id)", api.bearer,
                json:
                    #"{"name":"snow","integrationType":"service_now","integrationConfig":\#(JSONValue.object(config).jsonString()),"enabled":true}"#
            )
            #expect(moved.status == .badRequest)
            #expect(moved.redlockStatus?.contains("integrationConfig.hostUrl: cannot change") == true)
            let disabled = try await client.call(.patch, "/api/v1/tenant/1/integration/\(id)", api.bearer, json: #"{"enabled":false}"#)
            #expect(disabled.json?["enabled"] == .bool(false))
            #expect(try await client.call(.get, "/integration/\(id)", api.bearer).json?["enabled"] == .bool(false))
        }
    }

    @Test("test checks the configuration first; an enrichment source's Test is a read-only call that names what is wrong")
    func testEndpoint() async throws {
        let tenable = SimTenable(accessKey: "a", secretKey: "s", assets: [])
        let server = try await tenable.serve()
        defer { Task { await server.stop() } }
        let local = DestinationKind(
            schema: TenableSource.kind.schema,
            enrich: { integration, context in TenableSource(config: .init(integration.config), base: server.url, clock: context.clock) })
        let api = try await APIHarness(destinations: DestinationRegistry.standard.adding(local))
        try await api.run { client in
            let good = try await client.call(
                .post, "/integration/test", api.bearer,
                json: #"{"name":"t","integrationType":"tenable","integrationConfig":{"accessKey":"a","secretKey":"s"}}"#)
            #expect(good.json?["success"] == .bool(true))
            #expect(
                good.json?["tests"]?.arrayValue?.first?["description"]?.stringValue?.contains("a read-only call; nothing was sent") == true)
            let refused = try await client.call(
                .post, "/integration/test", api.bearer,
                json: #"{"name":"t","integrationType":"tenable","integrationConfig":{"accessKey":"a","secretKey":"wrong-secret"}}"#)
            #expect(refused.json?["success"] == .bool(false))
            #expect(refused.text.contains("check accessKey and secretKey") && !refused.text.contains("wrong-secret"))
            let bad = try await client.call(
                .post, "/integration/test", api.bearer, json: #"{"name":"t","integrationType":"slack","integrationConfig":{}}"#)
            #expect(bad.json?["success"] == .bool(false))
            #expect(
                bad.json?["errorMessages"]?.arrayValue?.first?["subject"]?.stringValue?.hasPrefix("integrationConfig.webhookUrl") == true)
        }
    }

    @Test("rules route to integrations; an integration in use cannot be deleted")
    func rulesAndDeletion() async throws {
        let api = try await APIHarness()
        try await api.run { client in
            let created = try await client.call(
                .post, "/api/v1/tenant/1/integration", api.bearer,
                json: #"{"name":"hook","integrationType":"webhook","integrationConfig":{"url":"https://h.example.com","authToken":"t"}}"#)
            let id = try #require(created.json?["id"]?.stringValue)
            let rule = try await client.call(
                .post, "/alert/rule", api.bearer,
                json:
                    #"{"name":"high to hook","filters":{"severities":["high"]},"alertRuleNotificationConfig":[{"type":"webhook","recipients":["\#(id)"]}]}"#
            )
            #expect(rule.status == .ok, "\(rule.text)")
            let ruleID = try #require(rule.json?["policyScanConfigId"]?.stringValue)
            #expect(try await client.call(.get, "/v2/alert/rule", api.bearer).json?.arrayValue?.count == 1)
            let blocked = try await client.call(.delete, "/integration/\(id)", api.bearer)
            #expect(blocked.status == .badRequest)
            #expect(blocked.redlockStatus?.contains("conflict_deleting_integration") == true)
            let badRule = try await client.call(.post, "/alert/rule", api.bearer, json: #"{"name":"","integrationIDs":[]}"#)
            #expect(badRule.redlockStatus?.contains("name: is required") == true)
            let okta = try await client.call(
                .post, "/api/v1/tenant/1/integration", api.bearer,
                json: #"{"name":"idp","integrationType":"okta","integrationConfig":{"domain":"example.okta.com","apiToken":"t"}}"#)
            let oktaID = try #require(okta.json?["id"]?.stringValue)
            let toSource = try await client.call(
                .post, "/alert/rule", api.bearer, json: #"{"name":"to okta","integrationIDs":["\#(oktaID)"]}"#)
            #expect(toSource.status == .badRequest)
            #expect(toSource.redlockStatus?.contains("is an enrichment source (Okta)") == true, "\(toSource.redlockStatus ?? "")")
            let unknown = try await client.call(
                .post, "/alert/rule", api.bearer,
                json: #"{"name":"x","filters":{"enrichment":["okta.superuser"]},"raiseSeverityTo":"urgent","integrationIDs":["\#(id)"]}"#)
            #expect(unknown.redlockStatus?.contains("filters.enrichment: okta.superuser is not okta.admin, okta.no_mfa") == true)
            #expect(unknown.redlockStatus?.contains("raiseSeverityTo: urgent is not high, medium, low or info") == true)
            let raised = try await client.call(
                .post, "/alert/rule", api.bearer,
                json: #"{"name":"admins","filters":{"enrichment":["okta.admin"]},"raiseSeverityTo":"high","integrationIDs":["\#(id)"]}"#)
            #expect(
                raised.json?["filters"]?["enrichment"] == .array([.string("okta.admin")])
                    && raised.json?["raiseSeverityTo"] == .string("high"))
            #expect(
                try await client.call(.delete, "/alert/rule/\(raised.json?["policyScanConfigId"]?.stringValue ?? "")", api.bearer).status
                    == .noContent)
            #expect(try await client.call(.delete, "/alert/rule/\(ruleID)", api.bearer).status == .noContent)
            #expect(try await client.call(.delete, "/integration/\(id)", api.bearer).status == .ok)
            #expect(try await client.call(.get, "/integration/\(id)", api.bearer).status == .notFound)
        }
    }
}
