import Foundation
import HTTPServing
import HTTPTypes
import HummingbirdTesting
import PrismaSim
import Relay
import RelayModel
import RelayStore
import Testing

@Suite("Actions API: POST /api/v1/events/{id}/actions reaches Prisma Cloud and is recorded on the event")
struct ActionsAPITests {
    /// The API over a relay whose connector `prod` (actions allowed unless told) collected a simulated tenant's alerts.
    static func collected(allow: Bool = true) async throws -> (APIHarness, PrismaSimulator, HTTPServerHandle, NormalizedEvent) {
        let simulator = PrismaSimulator(configuration: .init(rateLimitPerSecond: nil))
        await simulator.addAlerts(6, start: simulator.now() - 3_600_000, spread: 3_600_000, closedShare: 0)
        let server = try await simulator.serve()
        let api = try await APIHarness()
        var config = ConnectorConfig(
            name: "prod", apiURL: server.url, accessKeyID: simulator.user.accessKeyID, secretKey: Secret(simulator.user.secretKey),
            statuses: ["all"])
        config.allowActions = allow
        try await api.app.connectors.add(config)
        #expect(try await api.app.connectors.poll("prod").error == nil)
        let event = try #require(try await api.app.store.events(EventQuery(connector: "prod", limit: 1)).first)
        return (api, simulator, server, event)
    }

    @Test("a dismissal with a note answers with the record, changes the alert in Prisma, and the event shows it")
    func dismiss() async throws {
        let (api, simulator, server, event) = try await Self.collected()
        defer { Task { await server.stop() } }
        try await api.run { client in
            let answer = try await client.call(
                .post, "/api/v1/events/\(event.id)/actions", api.bearer, json: #"{"action": "dismiss", "note": "accepted risk"}"#)
            #expect(answer.status == .ok, "\(answer.text)")
            #expect(answer.json?["action"]?["outcome"] == .string("done"))
            #expect(answer.json?["action"]?["actor"] == .string("API key \(api.keyID)"))
            #expect(await simulator.alert(event.nativeID)?["dismissalNote"] == .string("accepted risk"))
            let shown = try await client.call(.get, "/api/v1/events/\(event.id)", api.bearer)
            let actions = shown.json?["actions"]?.arrayValue ?? []
            #expect(
                actions.count == 1 && actions.first?["action"] == .string("dismiss") && actions.first?["note"] == .string("accepted risk"))
            // The same again: Prisma says it is no longer open, which is done already.
            let again = try await client.call(.post, "/api/v1/events/\(event.id)/actions", api.bearer, json: #"{"action": "dismiss"}"#)
            #expect(again.status == .ok && again.json?["action"]?["outcome"] == .string("already_done"), "\(again.text)")
            let listed = try await client.call(.get, "/api/v1/events/\(event.id)/actions", api.bearer)
            #expect(listed.json?["items"]?.arrayValue?.count == 2)
        }
    }

    @Test(
        "a bad action names its fields; a snooze without a duration says how to give one; a note where none is kept is refused; nothing reaches Prisma"
    )
    func invalid() async throws {
        let (api, simulator, server, event) = try await Self.collected()
        defer { Task { await server.stop() } }
        try await api.run { client in
            let bad = try await client.call(
                .post, "/api/v1/events/\(event.id)/actions", api.bearer, json: #"{"action": "delete", "duration": 5}"#)
            #expect(bad.status == .badRequest)
            let fields = Set(bad.json?["fields"]?.arrayValue?.compactMap { $0["field"]?.stringValue } ?? [])
            #expect(fields == ["duration"], "a duration that is not a string is named first: \(bad.text)")
            let unknown = try await client.call(.post, "/api/v1/events/\(event.id)/actions", api.bearer, json: #"{"action": "delete"}"#)
            #expect(unknown.status == .badRequest && unknown.text.contains("give one of dismiss, snooze, reopen"), "\(unknown.text)")
            let snooze = try await client.call(.post, "/api/v1/events/\(event.id)/actions", api.bearer, json: #"{"action": "snooze"}"#)
            #expect(snooze.status == .badRequest && snooze.text.contains("like 24h, 3d or 2w"), "\(snooze.text)")
            let noted = try await client.call(
                .post, "/api/v1/events/\(event.id)/actions", api.bearer, json: #"{"action": "reopen", "note": "why"}"#)
            #expect(noted.status == .badRequest && noted.text.contains("note: is kept with a dismissal or a snooze only"), "\(noted.text)")
            let none = try await client.call(.post, "/api/v1/events/nope/actions", api.bearer, json: #"{"action": "reopen"}"#)
            #expect(none.status == .notFound)
        }
        let counters = await simulator.counters
        #expect(counters["alert.dismiss"] == nil && counters["alert.reopen"] == nil)
    }

    @Test("a connector without allowActions refuses with 403 and the way to turn them on; a read-only key may not act")
    func refused() async throws {
        let (api, simulator, server, event) = try await Self.collected(allow: false)
        defer { Task { await server.stop() } }
        let (viewer, viewerSecret) = APIKeyService.newKey(name: "viewer", role: .readOnly, now: 0)
        try await api.app.store.addAPIKey(viewer)
        try await api.run { client in
            let off = try await client.call(.post, "/api/v1/events/\(event.id)/actions", api.bearer, json: #"{"action": "dismiss"}"#)
            #expect(off.status == .forbidden && off.text.contains("allowActions: true"), "\(off.text)")
            let readOnly = try await client.call(
                .post, "/api/v1/events/\(event.id)/actions", [.authorization: "Bearer \(viewer.id):\(viewerSecret)"],
                json: #"{"action": "dismiss"}"#)
            #expect(readOnly.status == .forbidden && readOnly.text.contains("read-only"))
        }
        #expect(await simulator.counters["alert.dismiss"] == nil)
    }
}
