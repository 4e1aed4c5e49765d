import Foundation
import HTTPServing
import HTTPTypes
import HummingbirdTesting
import PrismaSim
import RelayModel
import TestSupport
import Testing

/// Test and delivery reach only what the outbound policy allows, never follow a redirect, and never read a remote
/// body back to the caller.
@Suite("Outbound policy through the API")
struct OutboundPolicyAPITests {
    static func webhook(_ url: String) -> String {
        #"{"name":"probe","integrationType":"webhook","integrationConfig":{"url":"\#(url)","authToken":"tok"}}"#
    }

    static func message(_ answer: TestResponse) -> String {
        answer.json?["tests"]?.arrayValue?.first?["description"]?.stringValue ?? answer.text
    }

    @Test("Test refuses loopback, a name resolving to it, a decimal address and the metadata service, and says why")
    func refusedByDefault() async throws {
        let receiver = WebhookReceiver(token: "tok")
        let server = try await receiver.serve()
        defer { Task { await server.stop() } }
        let api = try await APIHarness(outbound: .standard)
        try await api.run { client in
            let cases = [
                ("http://127.0.0.1:\(server.port)/hook", "127.0.0.1", "a loopback address"),
                ("http://localhost:\(server.port)/hook", "localhost (", "a loopback address"),
                ("http://2130706433:\(server.port)/hook", "(127.0.0.1)", "a loopback address"),
                ("http://[::ffff:127.0.0.1]:\(server.port)/hook", "127.0.0.1", "a loopback address"),
                ("http://169.254.169.254/latest/meta-data/", "169.254.169.254", "link-local"),
                ("http://0.0.0.0:\(server.port)/hook", "0.0.0.0", "an unspecified address"),
            ]
            for (url, target, words) in cases {
                let answer = try await client.call(.post, "/integration/test", api.bearer, json: Self.webhook(url))
                #expect(answer.json?["success"] == .bool(false), "\(url)")
                let message = Self.message(answer)
                #expect(message.contains("outbound policy refused to connect to"), "\(url): \(message)")
                #expect(message.contains(target) && message.contains(words), "\(url): \(message)")
                #expect(message.contains("PRISMA_RELAY_OUTBOUND_ALLOW"), "\(message)")
            }
        }
        #expect(await receiver.requests == 0)
    }

    @Test("Test reaches loopback once the operator allows it")
    func allowed() async throws {
        let receiver = WebhookReceiver(token: "tok")
        let server = try await receiver.serve()
        defer { Task { await server.stop() } }
        let api = try await APIHarness(outbound: try OutboundPolicy.parse(allow: "127.0.0.1,::1", deny: nil))
        try await api.run { client in
            let answer = try await client.call(
                .post, "/integration/test", api.bearer, json: Self.webhook("http://127.0.0.1:\(server.port)/hook"))
            #expect(answer.json?["success"] == .bool(true), "\(answer.text)")
        }
        #expect(await receiver.received.count == 1)
    }

    @Test("a redirect is reported, not followed, and the remote body is not echoed")
    func redirectNotFollowed() async throws {
        let first = WebhookReceiver(token: "tok")
        let elsewhere = WebhookReceiver(token: "tok")
        let server = try await first.serve()
        let other = try await elsewhere.serve()
        defer {
            Task {
                await server.stop()
                await other.stop()
            }
        }
        await first.fail(with: [.init(302, location: "http://127.0.0.1:\(other.port)/hook?token=leak"), .init(500)])
        let api = try await APIHarness()
        try await api.run { client in
            let redirected = try await client.call(
                .post, "/integration/test", api.bearer, json: Self.webhook("http://127.0.0.1:\(server.port)/hook"))
            #expect(redirected.json?["success"] == .bool(false))
            let message = Self.message(redirected)
            #expect(message.contains("redirect (HTTP 302 to http://127.0.0.1:\(other.port)/hook?token=********)"), "\(message)")
            #expect(message.contains("does not follow"))
            #expect(!message.contains("leak"))
            let failed = try await client.call(
                .post, "/integration/test", api.bearer, json: Self.webhook("http://127.0.0.1:\(server.port)/hook"))
            #expect(
                Self.message(failed)
                    == "The webhook is having trouble (HTTP 500): run the Test again once it recovers; deliveries are kept and sent again until then. Detail: HTTP 500",
                "\(Self.message(failed))")
        }
        #expect(await elsewhere.requests == 0)
    }

    @Test("a connector's Test against loopback is refused by default with the same words")
    func connectorRefused() async throws {
        let simulator = PrismaSimulator(configuration: .init(rateLimitPerSecond: nil))
        let server = try await simulator.serve()
        defer { Task { await server.stop() } }
        let api = try await APIHarness(outbound: .standard)
        try await api.run { client in
            let body =
                #"{"name":"c","type":"cspm","apiURL":"\#(server.url)","accessKeyID":"\#(simulator.user.accessKeyID)","secretKey":"\#(simulator.user.secretKey)"}"#
            let added = try await client.call(.post, "/api/v1/connectors", api.bearer, json: body)
            #expect(added.status == .created, "\(added.text)")
            let answer = try await client.call(.post, "/api/v1/connectors/c/test", api.bearer)
            #expect(answer.text.contains("outbound policy refused to connect to 127.0.0.1"), "\(answer.text)")
        }
    }
}
