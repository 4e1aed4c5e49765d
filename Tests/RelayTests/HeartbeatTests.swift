import Foundation
import HTTPServing
import Logging
import Relay
import RelayModel
import RelayStore
import TestSupport
import Testing

@Suite("Heartbeats to integrations")
struct HeartbeatTests {
    @Test("a heartbeat is one event per interval slot, for its integration, and no rule ever matches it")
    func event() {
        let hook = Integration(
            id: "h1", name: "soc", type: .webhook, config: ["url": .string("https://h.example.com"), "heartbeatMinutes": .int(5)],
            createdBy: "t", createdTs: 0)
        #expect(Heartbeat.minutes(hook) == 5)
        let first = Heartbeat.event(for: hook, minutes: 5, now: 1_763_799_900_000 + 123_000)
        let same = Heartbeat.event(for: hook, minutes: 5, now: 1_763_799_900_000 + 299_999)
        let next = Heartbeat.event(for: hook, minutes: 5, now: 1_763_799_900_000 + 300_000)
        #expect(first.id == same.id && first.id != next.id)
        #expect(first.kind == .heartbeat && first.connector == "(relay)" && first.version == "1763799900000")
        #expect(!AlertRule(id: "all", name: "all", integrationIDs: ["h1"]).matches(first))
    }

    @Test("each integration with a heartbeat gets one per interval, delivered like an event; other integrations never see it")
    func delivered() async throws {
        let clock = ManualClock(Int64(Date().timeIntervalSince1970 * 1000))
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("relay-heartbeat-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let app = RelayApp(
            store: try SQLiteStore(path: directory.appendingPathComponent("relay.sqlite").path), clock: { clock.now }, sleep: { _ in },
            outbound: .allowingLoopback, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        let receiver = WebhookReceiver(token: "tok")
        let server = try await receiver.serve()
        defer { Task { await server.stop() } }
        func webhook(_ name: String, heartbeat: Int?) async throws -> Integration {
            let extra: JSONObject = heartbeat.map { ["heartbeatMinutes": .int(Int64($0))] } ?? [:]
            return try await app.integrations.create(.webhook(name, url: server.url + "/hook", extra: extra), by: "test")
        }
        let watched = try await webhook("watched", heartbeat: 5)
        let other = try await webhook("other", heartbeat: nil)
        _ = try await app.rules.create(RuleService.Draft(name: "everything", integrationIDs: [other.id, watched.id]))

        #expect(try await app.sendHeartbeats() == ["watched"])
        #expect(try await app.sendHeartbeats().isEmpty, "twice in one interval")
        #expect(try await app.store.outbox(integrationID: other.id).isEmpty)
        _ = try await app.integrations.deliverDue(watched)
        let bodies = await receiver.received.map(\.body)
        #expect(bodies.map { $0["kind"] } == [.string("heartbeat")] && bodies.first?["title"] == .string("PrismaRelay heartbeat"))

        clock.advance(seconds: 5 * 60)
        #expect(try await app.sendHeartbeats() == ["watched"])
        _ = try await app.integrations.setEnabled(id: watched.id, false, by: "test")
        clock.advance(seconds: 5 * 60)
        #expect(try await app.sendHeartbeats().isEmpty, "a disabled integration gets none")
    }
}
