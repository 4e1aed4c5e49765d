import Foundation
import HTTPServing
import Logging
import PrismaSim
import Relay
import RelayModel
import RelayStore
import TestSupport
import Testing

@Suite("Two-way sync read back: an incident closed in ServiceNow or Cortex XSOAR dismisses its alert in Prisma Cloud")
struct ClosureSyncTests {
    /// A destination that keeps one incident per alert, and a way to close one as an analyst would.
    struct Receiver {
        var type: String
        var config: JSONObject
        var close: @Sendable (_ key: String) async -> Void
        /// Writes the receiver accepted (creates, updates, closes).
        var writes: @Sendable () async -> Int
        var note: @Sendable (_ key: String) async -> String
        var server: HTTPServerHandle
        /// How often the relay has searched it (XSOAR only: its searches are logged).
        var searches: @Sendable () async -> Int = { 0 }
    }

    static func serviceNow() async throws -> Receiver {
        let receiver = ServiceNowReceiver(login: "prisma", password: "pw")
        let server = try await receiver.serve()
        return Receiver(
            type: "service_now",
            config: [
                "hostUrl": .string(server.url), "login": .string("prisma"), "password": .string("pw"),
                "tables": .array([.object(["incident": .bool(true)])]),
            ],
            close: { key in await receiver.close(correlationID: key, code: "Solved (Permanently)", notes: "Security group fixed") },
            writes: { await receiver.writes.count },
            note: { key in
                let number = await receiver.records["incident"]?.first { $0["correlation_id"] == .string(key) }?["number"]?.stringValue
                return "Closed in ServiceNow as \(number ?? "?") (Solved (Permanently)): Security group fixed"
            }, server: server)
    }

    static func xsoar() async throws -> Receiver {
        let receiver = XSOARReceiver(generation: 6, apiKey: "K-123")
        let server = try await receiver.serve()
        return Receiver(
            type: "demisto",
            config: ["hostUrl": .string(server.url), "apiKey": .string("K-123"), "demistoVersion": .string("6.0")],
            close: { key in await receiver.closeAsAnalyst(key: key, reason: "False Positive", notes: "Lab account") },
            writes: { await receiver.log.filter { $0 != "search" }.count },
            note: { key in
                let id = await receiver.incidents.first { $0["CustomFields"]?["dbotmirrorid"] == .string(key) }?["id"]?.stringValue
                return "Closed in Cortex XSOAR as incident \(id ?? "?") (False Positive): Lab account"
            }, server: server, searches: { await receiver.log.filter { $0 == "search" }.count })
    }

    /// A rig whose connector `prod` (actions allowed) has collected `alerts` open alerts, and the integration `soc` on
    /// `receiver` (with `extra` in its config) that a rule sent them to, delivered.
    static func delivered(_ alerts: Int, to receiver: Receiver, extra: JSONObject = [:], notifyOn: [String]) async throws -> (
        rig: Rig, ids: [String], integration: Integration
    ) {
        let rig = try await Rig.start()
        var settings = receiver.config
        for member in extra { settings[member.key] = member.value }
        let ids = await rig.simulator.addAlerts(alerts, start: rig.clock.now - 3_600_000, spread: 3_600_000, closedShare: 0)
        var config = rig.config()
        config.allowActions = true
        try await rig.app.connectors.add(config)
        let integration = try await rig.app.integrations.create(
            IntegrationService.Draft(
                json: .object([
                    "name": .string("soc"), "integrationType": .string(receiver.type),
                    "integrationConfig": .object(settings),
                ])), by: "test")
        _ = try await rig.app.rules.create(RuleService.Draft(name: "soc", notifyOn: notifyOn, integrationIDs: [integration.id]))
        #expect(try await rig.app.connectors.poll("prod").error == nil)
        rig.clock.advance(milliseconds: max(0, Int64(Date().timeIntervalSince1970 * 1000) - rig.clock.now + 1_000))
        while try await rig.app.integrations.deliverDue(integration) > 0 {}
        return (rig, ids, integration)
    }

    @Test(
        "a closed incident the relay opened dismisses its alert with who closed it and why, once; the dismissed version is not sent back; without syncClosed nothing is read",
        arguments: ["service_now", "demisto"])
    func closedIncidentDismisses(_ type: String) async throws {
        let receiver = type == "service_now" ? try await Self.serviceNow() : try await Self.xsoar()
        defer { Task { await receiver.server.stop() } }
        let (rig, ids, integration) = try await Self.delivered(3, to: receiver, notifyOn: ["open", "dismissed"])
        defer { Task { await rig.stop() } }
        let key = "prod/\(ids[0])"
        await receiver.close(key)
        // Off unless asked: the relay does not read the destination back.
        #expect(try await rig.app.actions.syncClosures().isEmpty)
        #expect(await rig.simulator.alert(ids[0])?["status"] == .string("open"))

        var syncing = integration
        syncing.config["syncClosed"] = .bool(true)
        try await rig.app.store.updateIntegration(syncing)
        let taken = try await rig.app.actions.syncClosures()
        #expect(taken.map(\.nativeID) == [ids[0]] && taken.first?.outcome == .done, "\(taken)")
        #expect(taken.first?.origin == integration.id && taken.first?.actor.hasSuffix("integration soc") == true)
        #expect(await rig.simulator.alert(ids[0])?["dismissalNote"] == .string(await receiver.note(key)))
        // Read again before the next poll: already dismissed through the relay, so nothing more is done.
        #expect(try await rig.app.actions.syncClosures().isEmpty)

        // The next poll stores the dismissed version; the destination, which closed it, is not written to again.
        let writes = await receiver.writes()
        rig.clock.advance(seconds: 300)
        #expect(try await rig.app.connectors.poll("prod").added == 1)
        rig.clock.advance(milliseconds: max(0, Int64(Date().timeIntervalSince1970 * 1000) - rig.clock.now + 1_000))
        while try await rig.app.integrations.deliverDue(syncing) > 0 {}
        #expect(await receiver.writes() == writes)
        let dismissed = try await rig.app.actions.latestEvent(nativeID: ids[0], connector: "prod")
        let state = try #require(try await rig.app.events.deliveries(of: [dismissed.id])[dismissed.id]?.first)
        #expect(dismissed.status == "dismissed" && state.state == "filtered" && state.lastError?.contains("not sent back") == true)
    }

    @Test("replicas on one store take turns at two-way sync: one reads the destination a minute, the other only once that turn has run out")
    func replicasTakeTurns() async throws {
        let receiver = try await Self.xsoar()
        defer { Task { await receiver.server.stop() } }
        let (rig, ids, _) = try await Self.delivered(2, to: receiver, extra: ["syncClosed": .bool(true)], notifyOn: ["open"])
        defer { Task { await rig.stop() } }
        // A second replica: its own worker, the same store and clock.
        let other = RelayApp(
            store: rig.app.store, clock: { rig.clock.now }, sleep: { _ in }, outbound: .allowingLoopback,
            logger: .init(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        // Searches made since the deliveries (a delivery searches too).
        let searchedBefore = await receiver.searches()
        let reads = { await receiver.searches() - searchedBefore }

        await receiver.close("prod/\(ids[0])")
        #expect(try await rig.app.actions.syncClosures().map(\.nativeID) == [ids[0]])
        #expect(await reads() == 1)
        // The other replica's minute comes within this one's turn: it neither reads XSOAR nor acts.
        await receiver.close("prod/\(ids[1])")
        #expect(try await other.actions.syncClosures().isEmpty)
        rig.clock.advance(seconds: 59)
        #expect(try await other.actions.syncClosures().isEmpty)
        #expect(await reads() == 1)
        #expect(await rig.simulator.alert(ids[1])?["status"] == .string("open"))
        // A minute after the first pass began, the turn is free: the other replica takes it and acts on the new closure
        // alone, and now the first waits its turn.
        rig.clock.advance(seconds: 2)
        #expect(try await other.actions.syncClosures().map(\.nativeID) == [ids[1]])
        #expect(try await rig.app.actions.syncClosures().isEmpty)
        #expect(await reads() == 2)
        // Each closure dismissed its alert once.
        for id in ids {
            let actions = try await rig.app.actions.actions(of: try await rig.app.actions.latestEvent(nativeID: id, connector: "prod"))
            #expect(actions.filter { $0.action == "dismiss" }.count == 1, "\(id): \(actions)")
        }
    }
}
