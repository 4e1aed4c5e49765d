import Delivery
import Foundation
import HTTPServing
import HTTPTypes
import HummingbirdTesting
import NIOCore
import PrismaSim
import Relay
import RelayModel
import RelayStore
import TestSupport
import Testing

@Suite("Deliveries API")
struct DeliveriesAPITests {
    @Test("an integration's status shows its dead letters, which can be retried or discarded")
    func deadLetters() async throws {
        let api = try await APIHarness()
        let receiver = WebhookReceiver(token: "tok")
        let hook = try await receiver.serve()
        defer { Task { await hook.stop() } }
        await receiver.fail(with: [.init(400), .init(400)])
        try await api.app.store.addConnector(
            ConnectorConfig(name: "prod", apiURL: "https://api.prismacloud.io", accessKeyID: "k", secretKey: Secret("s")))
        try await api.run { client in
            let created = try await client.call(
                .post, "/api/v1/tenant/1/integration", api.bearer,
                json: #"{"name":"hook","integrationType":"webhook","integrationConfig":{"url":"\#(hook.url)/hook","authToken":"tok"}}"#)
            let id = try #require(created.json?["id"]?.stringValue)
            _ = try await client.call(.post, "/alert/rule", api.bearer, json: #"{"name":"all","integrationIDs":["\#(id)"]}"#)
            let events = try ["P-1", "P-2"].map { alert in
                try AlertNormalizer.normalize(
                    try JSONValue.parse(#"{"id":"\#(alert)","status":"open","lastUpdated":1,"policy":{}}"#), connector: "prod",
                    observedAt: 0)
            }
            _ = try await api.app.store.commit(events: events, connector: "prod", cursor: nil)
            let integration = try #require(try await api.app.store.integration(id: id))
            try await api.app.deliveryEngine.deliverDue(integration)
            let status = try await client.call(.get, "/api/v1/integrations/\(id)/status", api.bearer)
            #expect(status.json?["failed"] == .int(2))
            #expect(status.json?["queueDepth"] == .int(0))
            #expect(status.json?["deadLetters"] == .int(2))
            #expect(status.json?["reason"]?["message"]?.stringValue?.hasPrefix("2 events are in the dead letters") == true)
            let letters = try #require(try await client.call(.get, "/api/v1/integrations/\(id)/dead-letters", api.bearer).json?.arrayValue)
            #expect(letters.count == 2)
            #expect(letters.allSatisfy { $0["reason"]?.stringValue?.contains("HTTP 400") == true })
            let first = try #require(letters.first?["seq"]?.int64Value)
            #expect(try await client.call(.delete, "/api/v1/integrations/\(id)/dead-letters/\(first)", api.bearer).status == .noContent)
            #expect(try await client.call(.post, "/api/v1/integrations/\(id)/dead-letters/retry", api.bearer).json?["requeued"] == .int(1))
            try await api.app.deliveryEngine.deliverDue(integration)
            #expect(await receiver.received.count == 1)
            let after = try await client.call(.get, "/api/v1/integrations/\(id)/status", api.bearer)
            #expect(after.json?["delivered"] == .int(1))
            #expect(after.json?["status"] == .string("GREEN"))
            let metrics = try await client.call(.get, "/metrics", api.bearer).text
            let replica = api.app.workerID
            #expect(metrics.contains(#"prisma_relay_deliveries_total{integration="hook",outcome="dead",replica="\#(replica)"} 2"#))
            #expect(metrics.contains(#"prisma_relay_deliveries_total{integration="hook",outcome="delivered",replica="\#(replica)"} 1"#))
            #expect(metrics.contains(#"prisma_relay_queue_depth{integration="hook",replica="\#(replica)"} 0"#))
        }
    }
}

@Suite("Integration test sends a real test message")
struct IntegrationTestMessageTests {
    @Test("test sends the destination's test message and answers in ValidatorResponse; a refused token says so")
    func realTest() async throws {
        let api = try await APIHarness()
        let receiver = WebhookReceiver(token: "tok")
        let hook = try await receiver.serve()
        defer { Task { await hook.stop() } }
        try await api.run { client in
            let good = try await client.call(
                .post, "/integration/test", api.bearer,
                json: #"{"name":"t","integrationType":"webhook","integrationConfig":{"url":"\#(hook.url)/hook","authToken":"tok"}}"#)
            #expect(good.json?["success"] == .bool(true), "\(good.text)")
            #expect(good.json?["statusCode"] == .int(200))
            #expect(good.json?["tests"]?.arrayValue?.first?["key"] == .string("delivery"))
            #expect(await receiver.received.first?.body["title"]?.stringValue == "PrismaRelay test event: this integration works")
            let refused = try await client.call(
                .post, "/integration/test", api.bearer,
                json: #"{"name":"t","integrationType":"webhook","integrationConfig":{"url":"\#(hook.url)/hook","authToken":"wrong"}}"#)
            #expect(refused.json?["success"] == .bool(false))
            #expect(refused.json?["statusCode"] == .int(401))
            #expect(
                refused.json?["errorMessages"]?.arrayValue?.first?["subject"]?.stringValue?.contains(
                    "refused the relay's credentials (HTTP 401)") == true)
            let v1 = try await client.call(
                .post, "/api/v1/tenant/1/integration/test", api.bearer,
                json: #"{"name":"t","integrationType":"webhook","integrationConfig":{"url":"\#(hook.url)/hook","authToken":"wrong"}}"#)
            #expect(v1.status == .badRequest)
        }
    }

    @Test("a passing test lifts the pause set by refused credentials")
    func testResumes() async throws {
        let api = try await APIHarness()
        let receiver = WebhookReceiver(token: "tok")
        let hook = try await receiver.serve()
        defer { Task { await hook.stop() } }
        try await api.run { client in
            let created = try await client.call(
                .post, "/api/v1/tenant/1/integration", api.bearer,
                json: #"{"name":"h","integrationType":"webhook","integrationConfig":{"url":"\#(hook.url)/hook","authToken":"tok"}}"#)
            let id = try #require(created.json?["id"]?.stringValue)
            try await api.app.store.setIntegrationHealth(
                integrationID: id, IntegrationHealth(status: .red, paused: true, message: "refused", statusCode: 401))
            let test = try await client.call(.post, "/integration/test?id=\(id)", api.bearer)
            #expect(test.json?["success"] == .bool(true))
            let health = try await api.app.store.integrationHealth(id: id)
            #expect(health.status == .green && !health.paused)
        }
    }
}

@Suite("One integration Test for the API and the console")
struct IntegrationTestVerdictTests {
    @Test("the console's Test and the API's Test give the same verdict in the same words")
    func sameVerdict() async throws {
        let api = try await APIHarness()
        let receiver = WebhookReceiver(token: "right-token")
        let hook = try await receiver.serve()
        defer { Task { await hook.stop() } }
        try await api.run { client in
            let created = try await client.call(
                .post, "/api/v1/tenant/1/integration", api.bearer,
                json: #"{"name":"h","integrationType":"webhook","integrationConfig":{"url":"\#(hook.url)/hook","authToken":"wrong-token"}}"#
            )
            let id = try #require(created.json?["id"]?.stringValue)
            let answer = try await client.call(.post, "/integration/test?id=\(id)", api.bearer)
            #expect(answer.json?["success"] == .bool(false))
            let message = try #require(answer.json?["tests"]?.arrayValue?.first?["errorMessage"]?.stringValue)

            let (token, cookie) = try await ConsoleSessionTests.loginForm(client)
            let signIn = try await client.execute(
                uri: "/console/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded", .cookie: cookie],
                body: ConsoleSessionTests.form(["csrf": token, "keyId": api.keyID, "secret": api.secret]))
            let session = String(try #require(signIn.headers[.setCookie]?.split(separator: ";").first))
            let list = try await client.execute(uri: "/console/integrations", method: .get, headers: [.cookie: session])
            let csrf = try #require(String(buffer: list.body).firstMatch(of: /name="csrf" value="([^"]+)"/)?.1)
            let test = try await client.execute(
                uri: "/console/integrations/\(id)/test", method: .post,
                headers: [.cookie: session, .contentType: "application/x-www-form-urlencoded"],
                body: ConsoleSessionTests.form(["csrf": String(csrf)]))
            #expect(test.status == .seeOther)
            let page = String(
                buffer: try await client.execute(uri: "/console/integrations", method: .get, headers: [.cookie: session]).body)
            // The banner shows the sentence, with the detail folded under it.
            let banner = try #require(
                page.firstMatch(of: /<div class="flash bad" role="status"><span class="error-sentence">([^<]*)<\/span>/)?.1)
            func escaped(_ text: String) -> String {
                text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "\"", with: "&quot;")
                    .replacingOccurrences(of: "'", with: "&#39;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(
                        of: ">", with: "&gt;")
            }
            let (sentence, detail) = ErrorSentence.split("Test of h: \(message)")
            #expect(String(banner) == escaped(sentence))
            if let detail { #expect(page.contains("<code>\(escaped(detail))</code>")) }
        }
    }

    @Test("an integration that is not there: its status, activity and dead letters are a 404, not an empty answer, and so is retrying them")
    func deadLettersOfUnknownIntegration() async throws {
        let api = try await APIHarness()
        try await api.run { client in
            for (method, path) in [
                (HTTPRequest.Method.get, "dead-letters"), (.post, "dead-letters/retry"), (.post, "dead-letters/7/retry"),
                (.delete, "dead-letters/7"), (.get, "status"), (.get, "activity"),
            ] {
                let answer = try await client.call(method, "/api/v1/integrations/no-such-id/\(path)", api.bearer)
                #expect(answer.status == .notFound, "\(method) \(path)")
                #expect(answer.headers[HTTPField.Name("x-redlock-status")!]?.contains("not_found") == true, "\(method) \(path)")
            }
        }
    }
}
