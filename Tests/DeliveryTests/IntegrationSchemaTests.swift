import Delivery
import Foundation
import RelayModel
import Testing

@Suite("Integration configs (seed 003)")
struct IntegrationSchemaTests {
    static let pem = "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----"

    /// A valid config of every type, as a user would send it.
    static let valid: [IntegrationType: String] = [
        .awsS3:
            #"{"s3Uri":"s3://alerts/prisma/","region":"us-east-1","roleArn":"arn:aws:iam::123456789012:role/relay","externalId":"3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b"}"#,
        .amazonSQS: #"{"queueUrl":"https://sqs.us-east-1.amazonaws.com/123456789012/prisma"}"#,
        .azureServiceBusQueue:
            #"{"queueUrl":"https://bus.servicebus.windows.net/prisma","connectionString":"Endpoint=sb://bus.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=abc="}"#,
        .demisto: #"{"hostUrl":"https://xsoar.example.com","apiKey":"k"}"#,
        .googleCSCC: #"{"orgId":"123456789","sourceId":"organizations/123456789/sources/42"}"#,
        .microsoftTeams: #"{"url":"https://example.webhook.office.com/webhookb2/abc"}"#,
        .okta: #"{"domain":"example.okta.com","apiToken":"t"}"#,
        .pagerDuty: #"{"integrationKey":"0123456789abcdef0123456789abcdef"}"#,
        .qualys: #"{"login":"u","baseUrl":"qualysapi.qualys.com","password":"p"}"#,
        .serviceNow:
            #"{"hostUrl":"https://example.service-now.com","login":"u","password":"p","tables":[{"incident":true},{"sn_si_incident":false},{"em_event":false}]}"#,
        .slack: #"{"webhookUrl":"https://hooks.slack.com/services/T000/B000/XXXXSECRET"}"#,
        .snowflake:
            #"{"username":"ACME.RELAY","pipename":"DB.SCHEMA.PIPE","stagingIntegrationId":"int-1","privateKey":"\#(pem.replacingOccurrences(of: "\n", with: "\\n"))"}"#,
        .splunk: #"{"url":"https://splunk.example.com:8088","authToken":"11111111-2222-3333-4444-555555555555"}"#,
        .tenable: #"{"accessKey":"a","secretKey":"s"}"#,
        .webhook: #"{"url":"https://hooks.example.com/prisma","authToken":"tok"}"#,
    ]

    func validate(_ type: IntegrationType, _ json: String) throws -> JSONObject {
        try DestinationRegistry.standard.schema(type).validate(try JSONValue.parse(json))
    }

    func problems(_ type: IntegrationType, _ json: String) -> [ConfigError] {
        do {
            _ = try validate(type, json)
            return []
        } catch let errors as ConfigErrors {
            return errors.errors
        } catch {
            return [ConfigError(field: "json", "\(error)")]
        }
    }

    @Test("a valid config of every type is accepted", arguments: DestinationRegistry.standard.types)
    func validConfigs(type: IntegrationType) throws {
        let json = try #require(Self.valid[type])
        #expect(problems(type, json).isEmpty)
    }

    @Test("defaults are filled in: Splunk sourceType, S3 and Snowflake rollUpInterval, SQS moreInfo, webhook payload switch")
    func defaults() throws {
        #expect(try validate(.splunk, Self.valid[.splunk]!)["sourceType"] == .string("_json"))
        #expect(try validate(.awsS3, Self.valid[.awsS3]!)["rollUpInterval"] == .int(60))
        #expect(try validate(.snowflake, Self.valid[.snowflake]!)["rollUpInterval"] == .int(60))
        #expect(try validate(.amazonSQS, Self.valid[.amazonSQS]!)["moreInfo"] == .bool(false))
        #expect(try validate(.webhook, Self.valid[.webhook]!)["isCustomPayloadEnabled"] == .bool(false))
        #expect(try validate(.demisto, Self.valid[.demisto]!)["demistoVersion"] == .string("6.0"))
    }

    @Test("a webhook needs no auth token: Prisma documents only its url as required, and some receivers need no auth")
    func webhookWithoutToken() {
        #expect(problems(.webhook, #"{"url":"https://hooks.example.com/prisma"}"#).isEmpty)
    }

    @Test(
        "every field has a label in words, the acronyms in capitals",
        arguments: [
            ("authToken", "Auth token"), ("webhookUrl", "Webhook URL"), ("apiKeyID", "API key ID"), ("s3Uri", "S3 URI"),
            ("stagingIntegrationId", "Staging integration ID"), ("queueUrl", "Queue URL"), ("roleArn", "Role ARN"), ("url", "URL"),
            ("connectionString", "Connection string"), ("APIKey", "API key"),
        ])
    func labels(key: String, label: String) {
        #expect(IntegrationField.words(key) == label)
    }

    @Test("every standard destination's fields read as words, none as a bare key")
    func everyLabel() {
        for schema in DestinationRegistry.standard.kinds.map(\.schema) {
            for field in schema.fields {
                let readable = field.label.first?.isUppercase == true && !field.label.contains("_") && field.label != field.key
                #expect(readable, "\(schema.type.rawValue).\(field.key) reads \(field.label)")
            }
        }
    }

    @Test("rollUpInterval takes 15, 30, 60 or 180, as a number or a string")
    func rollUp() throws {
        let base =
            #"{"s3Uri":"s3://b/","region":"us-east-1","roleArn":"arn:aws:iam::123456789012:role/r","externalId":"3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b","rollUpInterval":"#
        #expect(try validate(.awsS3, base + #""30"}"#)["rollUpInterval"] == .int(30))
        #expect(problems(.awsS3, base + "45}").map(\.field) == ["integrationConfig.rollUpInterval"])
    }

    @Test(
        "each documented rule rejects a bad config, naming the key",
        arguments: [
            (
                IntegrationType.slack, #"{"webhookUrl":"https://example.com/hook"}"#, "integrationConfig.webhookUrl",
                "https://hooks.slack.com/"
            ),
            (
                .awsS3, #"{"s3Uri":"s3://b/","region":"us-east-1","roleArn":"arn:aws:iam::123456789012:role/r","externalId":"not-a-uuid"}"#,
                "integrationConfig.externalId", "UUID"
            ),
            (
                .webhook, #"{"url":"https://h.example.com","authToken":"t","isCustomPayloadEnabled":true}"#,
                "integrationConfig.customPayloads", "isCustomPayloadEnabled"
            ),
            (
                .webhook,
                #"{"url":"https://h.example.com","authToken":"t","isCustomPayloadEnabled":true,"customPayloads":{"CS":"{not json"}}"#,
                "integrationConfig.customPayloads", "JSON"
            ),
            (
                .webhook, #"{"url":"https://h.example.com","authToken":"t","isCustomPayloadEnabled":true,"customPayloads":{"CS":["x"]}}"#,
                "integrationConfig.customPayloads", "CS"
            ),
            (
                .serviceNow, #"{"hostUrl":"https://x.service-now.com","login":"u","password":"p","tables":[{"problem":true}]}"#,
                "integrationConfig.tables", "incident, sn_si_incident or em_event"
            ),
            (
                .serviceNow, #"{"hostUrl":"https://x.service-now.com","login":"u","password":"p","tables":[{"incident":false}]}"#,
                "integrationConfig.tables", "at least one"
            ),
            (
                .amazonSQS, #"{"queueUrl":"https://sqs.us-east-1.amazonaws.com/1/q","moreInfo":true}"#, "integrationConfig.moreInfo",
                "accessKey and secretKey"
            ),
            (
                .amazonSQS, #"{"queueUrl":"https://sqs.us-east-1.amazonaws.com/1/q","moreInfo":true,"accessKey":"a"}"#,
                "integrationConfig.secretKey", "together"
            ),
            (
                .amazonSQS,
                #"{"queueUrl":"https://sqs.us-east-1.amazonaws.com/1/q","moreInfo":true,"accessKey":"a","secretKey":"s","roleArn":"arn:aws:iam::123456789012:role/r","externalId":"3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b"}"#,
                "integrationConfig.roleArn", "not both"
            ),
            (
                .azureServiceBusQueue, #"{"queueUrl":"https://b.servicebus.windows.net/q"}"#, "integrationConfig.connectionString",
                "accountId"
            ),
            (
                .azureServiceBusQueue,
                #"{"queueUrl":"https://b.servicebus.windows.net/q","accountId":"a","connectionString":"Endpoint=sb://b/;SharedAccessKeyName=n;SharedAccessKey=k"}"#,
                "integrationConfig.connectionString", "not both"
            ),
            (
                .azureServiceBusQueue, #"{"queueUrl":"https://b.servicebus.windows.net/q","connectionString":"just-a-key"}"#,
                "integrationConfig.connectionString", "Endpoint=sb://"
            ),
            (.splunk, #"{"url":"splunk:8088","authToken":"t"}"#, "integrationConfig.url", "http(s) URL"),
            (.splunk, #"{"url":"https://s.example.com","authToken":""}"#, "integrationConfig.authToken", "required"),
            (.splunk, #"{"url":"https://s.example.com"}"#, "integrationConfig.authToken", "required"),
            (
                .splunk, #"{"url":"https://s.example.com","authToken":"t","sourcetype":"x"}"#, "integrationConfig.sourcetype",
                "not a splunk key"
            ),
            (
                .qualys, #"{"login":"u","baseUrl":"https://qualysapi.qualys.com","password":"p"}"#, "integrationConfig.baseUrl",
                "without http"
            ),
            (.pagerDuty, #"{"integrationKey":"short"}"#, "integrationConfig.integrationKey", "32-character"),
            (.googleCSCC, #"{"orgId":"my-org","sourceId":"1"}"#, "integrationConfig.orgId", "numeric"),
            (
                .demisto, #"{"hostUrl":"https://x.example.com","apiKey":"k","demistoVersion":"7.0"}"#, "integrationConfig.demistoVersion",
                "6.0 or 8.0"
            ),
            (.demisto, #"{"hostUrl":"https://x.example.com","apiKey":"k","demistoVersion":"8.0"}"#, "integrationConfig.apiKeyID", "8.0"),
            (
                .snowflake, #"{"username":"A.B","pipename":"p","stagingIntegrationId":"s","privateKey":"not a key"}"#,
                "integrationConfig.privateKey", "PEM"
            ),
            (
                .snowflake,
                #"{"pipename":"p","stagingIntegrationId":"s","privateKey":"-----BEGIN PRIVATE KEY-----x-----END PRIVATE KEY-----"}"#,
                "integrationConfig.username", "required"
            ),
            (
                .webhook, #"{"url":"https://h.example.com","authToken":"t","headers":[{"key":"X-A"}]}"#, "integrationConfig.headers",
                "string value"
            ),
            (
                .webhook, #"{"url":"https://h.example.com","authToken":"t","isCustomPayloadEnabled":"yes"}"#,
                "integrationConfig.isCustomPayloadEnabled", "true or false"
            ),
            (.okta, #"{"domain":"example.okta.com","apiToken":5}"#, "integrationConfig.apiToken", "string"),
        ])
    func rules(type: IntegrationType, json: String, field: String, words: String) {
        let found = problems(type, json)
        #expect(found.map(\.field) == [field], "\(found)")
        #expect(found.first?.message.contains(words) == true, "\(found)")
    }

    @Test("a config that is not an object is refused")
    func notAnObject() {
        #expect(throws: ConfigErrors.self) { try DestinationRegistry.standard.schema(.slack).validate(.array([])) }
        #expect(throws: ConfigErrors.self) { try DestinationRegistry.standard.schema(.slack).validate(nil) }
    }

    @Test("secrets are masked; the Slack token and URL query values too; secure headers hide their value")
    func masking() throws {
        let slack = DestinationRegistry.standard.schema(.slack).masked(try validate(.slack, Self.valid[.slack]!))
        #expect(slack["webhookUrl"] == .string("https://hooks.slack.com/services/T000/B000/********"))
        let webhook = try validate(
            .webhook,
            #"{"url":"https://u:pw@h.example.com/in?token=abc&x=1","authToken":"tok","headers":[{"key":"X-Key","value":"v","secure":true},{"key":"X-Env","value":"prod"}]}"#
        )
        let shown = DestinationRegistry.standard.schema(.webhook).masked(webhook)
        #expect(shown["authToken"] == .string("********"))
        #expect(shown["url"] == .string("https://u:********@h.example.com/in?token=********&x=********"))
        #expect(shown["headers"]?.arrayValue?[0]["value"] == .string("********"))
        #expect(shown["headers"]?.arrayValue?[1]["value"] == .string("prod"))
        for type in DestinationRegistry.standard.types {
            let schema = DestinationRegistry.standard.schema(type)
            let config = try validate(type, Self.valid[type]!)
            let text = JSONValue.object(schema.masked(config)).jsonString()
            for field in schema.fields where field.secret {
                if let value = config[field.key]?.stringValue, value.count > 4 {
                    #expect(!text.contains(value), "\(type.rawValue).\(field.key) leaked")
                }
            }
        }
    }

    @Test("an update that echoes the mask keeps the stored secrets")
    func updateKeepsSecrets() throws {
        let schema = DestinationRegistry.standard.schema(.webhook)
        let stored = try validate(
            .webhook,
            #"{"url":"https://h.example.com/in?token=abc","authToken":"tok","headers":[{"key":"X-Key","value":"v","secure":true}]}"#)
        var echoed = schema.masked(stored)
        echoed["isCustomPayloadEnabled"] = .bool(false)
        let merged = try schema.merge(update: .object(echoed), into: stored)
        #expect(merged["authToken"] == .string("tok"))
        #expect(merged["url"] == .string("https://h.example.com/in?token=abc"))
        #expect(merged["headers"]?.arrayValue?[0]["value"] == .string("v"))
        var changed = echoed
        changed["authToken"] = .string("new-token")
        #expect(try schema.merge(update: .object(changed), into: stored)["authToken"] == .string("new-token"))
        let slack = DestinationRegistry.standard.schema(.slack)
        let slackStored = try validate(.slack, Self.valid[.slack]!)
        #expect(try slack.merge(update: .object(slack.masked(slackStored)), into: slackStored) == slackStored)
    }

    /// A config of every type that holds a secret, with every secret filled in.
    static let withSecrets: [IntegrationType: String] = valid.merging([
        .amazonSQS:
            #"{"queueUrl":"https://sqs.us-east-1.amazonaws.com/123456789012/prisma","moreInfo":true,"accessKey":"AKIAEXAMPLE","secretKey":"s3cr3t"}"#,
        .webhook: #"{"url":"https://hooks.example.com/prisma","authToken":"tok","headers":[{"key":"X-Key","value":"v","secure":true}]}"#,
    ]) { $1 }

    @Test("a stored secret stays bound to where it is sent: moving any such key without giving the secret again is refused, for every type")
    func secretsBoundToDestinations() throws {
        // Types whose secrets go to a fixed, vendor-owned endpoint, or whose URL is itself the secret.
        let fixedEndpoint: Set<IntegrationType> = [.pagerDuty, .tenable, .slack]
        for type in DestinationRegistry.standard.types {
            let schema = DestinationRegistry.standard.schema(type)
            let stored = try validate(type, Self.withSecrets[type]!)
            let secrets =
                schema.fields.filter { $0.secret && stored[$0.key] != nil }.map(\.key)
                + (stored["headers"]?.arrayValue ?? []).filter { $0["secure"] == .bool(true) }.map {
                    "headers (\($0["key"]?.stringValue ?? ""))"
                }
            guard !secrets.isEmpty else { continue }
            #expect(
                !schema.destinationKeys.isEmpty || fixedEndpoint.contains(type),
                "\(type.rawValue) has secrets but no key says where they go")
            for key in schema.destinationKeys {
                var moved = schema.masked(stored)
                let current = stored[key]?.stringValue ?? ""
                moved[key] = .string(
                    current.hasPrefix("http") ? "https://elsewhere.example.net/collect" : current == "6.0" ? "8.0" : "elsewhere.example.net"
                )
                do {
                    _ = try schema.merge(update: .object(moved), into: stored)
                    Issue.record("\(type.rawValue): moving \(key) kept the stored secrets")
                } catch {
                    if schema.immutableKeys.contains(key) {
                        #expect(error.errors.map(\.field) == ["integrationConfig.\(key)"], "\(type.rawValue): \(error)")
                        continue
                    }
                    for secret in secrets {
                        let refusal = error.errors.first { $0.field == "integrationConfig.\(secret)" }
                        #expect(
                            refusal?.message.contains("give this secret again: \(key) changed") == true,
                            "\(type.rawValue).\(secret): \(error)")
                    }
                }
            }
        }
        // Given again, the move is accepted.
        let splunk = DestinationRegistry.standard.schema(.splunk)
        let stored = try validate(.splunk, Self.valid[.splunk]!)
        var moved = splunk.masked(stored)
        moved["url"] = .string("https://splunk2.example.com:8088")
        moved["authToken"] = .string("a-new-token")
        #expect(try splunk.merge(update: .object(moved), into: stored)["url"] == .string("https://splunk2.example.com:8088"))
    }

    @Test("configuration cannot set Host or hop-by-hop headers, nor header values with line breaks")
    func reservedHeaders() {
        for name in ["Host", "connection", "Transfer-Encoding", "Content-Length", "Upgrade"] {
            let found = problems(.webhook, #"{"url":"https://h.example.com","authToken":"t","headers":[{"key":"\#(name)","value":"x"}]}"#)
            #expect(found.first?.message.contains("set by the relay's HTTP client") == true, "\(name): \(found)")
        }
        let split = problems(
            .webhook, #"{"url":"https://h.example.com","authToken":"t","headers":[{"key":"X-A","value":"a\r\nX-Injected: 1"}]}"#)
        #expect(split.map(\.field) == ["integrationConfig.headers"])
        #expect(split.first?.message.contains("line break (CR or LF)") == true, "\(split)")
    }

    @Test("ServiceNow's hostUrl and Service Bus's credentials cannot change; other keys can")
    func immutableKeys() throws {
        let now = DestinationRegistry.standard.schema(.serviceNow)
        let stored = try validate(.serviceNow, Self.valid[.serviceNow]!)
        var moved = now.masked(stored)
        moved["hostUrl"] = .string("https://other.service-now.com")
        #expect(
            throws: ConfigErrors([
                ConfigError(
                    field: "integrationConfig.hostUrl", "cannot change once the integration exists: create a new integration instead")
            ])
        ) {
            try now.merge(update: .object(moved), into: stored)
        }
        var relogged = now.masked(stored)
        relogged["login"] = .string("someone-else")
        #expect(try now.merge(update: .object(relogged), into: stored)["login"] == .string("someone-else"))

        let bus = DestinationRegistry.standard.schema(.azureServiceBusQueue)
        let busStored = try validate(.azureServiceBusQueue, Self.valid[.azureServiceBusQueue]!)
        var newQueue = bus.masked(busStored)
        newQueue["queueUrl"] = .string("https://bus.servicebus.windows.net/other")
        // The connection string goes where queueUrl points, so a new queue needs it given again (unchanged).
        #expect(throws: ConfigErrors.self) { try bus.merge(update: .object(newQueue), into: busStored) }
        newQueue["connectionString"] = busStored["connectionString"]
        #expect(
            try bus.merge(update: .object(newQueue), into: busStored)["queueUrl"] == .string("https://bus.servicebus.windows.net/other"))
        var newKey = bus.masked(busStored)
        newKey["connectionString"] = .string("Endpoint=sb://x/;SharedAccessKeyName=a;SharedAccessKey=b")
        #expect(throws: ConfigErrors.self) { try bus.merge(update: .object(newKey), into: busStored) }
    }

    @Test("Prisma's spellings of the type are read case-insensitively")
    func typeNames() {
        let registry = DestinationRegistry.standard
        #expect(registry.type(prisma: "SERVICE_NOW") == .serviceNow)
        #expect(registry.type(prisma: "OKTA_IDP") == .okta)
        #expect(registry.type(prisma: "aws_s3") == .awsS3)
        #expect(registry.type(prisma: "email") == nil)
        #expect(DestinationRegistry.standard.types.count == 15)
    }
}
