import Foundation
import PrismaAPI
import PrismaSim
import Relay
import RelayModel
import RelayStore
import Testing

@Suite("Actions on findings in Prisma Cloud: dismiss, snooze, reopen, acknowledge")
struct AlertActionTests {
    /// A rig whose connector `prod` collected `count` alerts (every status), with actions allowed.
    static func collected(_ count: Int = 5, allow: Bool = true, keyID: String? = nil) async throws -> (Rig, [NormalizedEvent]) {
        let rig = try await Rig.start()
        await rig.simulator.addRecentAlerts(count, hours: 2)
        var config = rig.config(keyID: keyID)
        config.allowActions = allow
        try await rig.app.connectors.add(config)
        #expect(try await rig.app.connectors.poll("prod").error == nil)
        let events = try await rig.app.store.events(EventQuery(connector: "prod", kind: .alert, status: "open", limit: 100))
        return (rig, events)
    }

    @Test("a dismissal reaches Prisma with its note and is recorded; the next poll stores the dismissed version of the alert")
    func dismissThenPoll() async throws {
        let (rig, open) = try await Self.collected()
        defer { Task { await rig.stop() } }
        let event = try #require(open.first)
        rig.clock.advance(seconds: 60)
        let record = try await rig.app.actions.act(on: event.id, .dismiss(note: "accepted risk: lab account"), by: "API key ops")
        #expect(record.outcome == .done, "\(record.detail)")
        #expect(record.action == "dismiss" && record.note == "accepted risk: lab account" && record.actor == "API key ops")
        let alert = try #require(await rig.simulator.alert(event.nativeID))
        #expect(alert["status"] == .string("dismissed"))
        #expect(alert["dismissalNote"] == .string("accepted risk: lab account"))
        #expect(alert["reason"] == .string("USER_DISMISSED"))
        #expect(try await rig.app.actions.actions(of: event) == [record])

        rig.clock.advance(seconds: 300)
        #expect(try await rig.app.connectors.poll("prod").added == 1)
        let versions = try await rig.app.store.events(EventQuery(connector: "prod", nativeID: event.nativeID, limit: 10))
        #expect(versions.map(\.status) == ["dismissed", "open"], "the dismissed version is the newest")
        // The record belongs to the finding, so the new version shows it too.
        #expect(try await rig.app.actions.actions(of: versions[0]).count == 1)
    }

    @Test("a role that may not dismiss: the refusal says which roles may, is recorded, and the alert stays open")
    func permissionRefused() async throws {
        let rig = try await Rig.start()
        defer { Task { await rig.stop() } }
        var user = SimUser(accessKeyID: "read-only-role", secretKey: "pw", tenants: rig.simulator.user.tenants)
        user.canDismissAlerts = false
        await rig.simulator.addUser(user)
        await rig.simulator.addRecentAlerts(3, hours: 1)
        var config = rig.config(secret: "pw", keyID: "read-only-role")
        config.allowActions = true
        try await rig.app.connectors.add(config)
        #expect(try await rig.app.connectors.poll("prod").error == nil)
        let event = try #require(try await rig.app.store.events(EventQuery(connector: "prod", status: "open", limit: 1)).first)
        let record = try await rig.app.actions.act(on: event.id, .dismiss(note: "fp"), by: "API key ops")
        #expect(record.outcome == .refused && record.statusCode == 403)
        #expect(record.detail.contains("may not dismiss, snooze or reopen alerts") && record.detail.contains("System Admin"))
        #expect(await rig.simulator.alert(event.nativeID)?["status"] == .string("open"))
        #expect(try await rig.app.actions.actions(of: event).map(\.outcome) == [.refused])
    }

    @Test("an alert already dismissed (Prisma: no longer in the expected state) counts as done already")
    func alreadyDismissed() async throws {
        let (rig, open) = try await Self.collected()
        defer { Task { await rig.stop() } }
        let event = try #require(open.first)
        await rig.simulator.transition(alert: event.nativeID, to: "dismissed")
        let record = try await rig.app.actions.act(on: event.id, .dismiss(note: "again"), by: "API key ops")
        #expect(record.outcome == .alreadyDone && record.succeeded)
        #expect(record.detail.contains("already in that state"))
    }

    @Test("snooze sends a relative time range and Prisma keeps the end; reopen sets the alert open again")
    func snoozeAndReopen() async throws {
        let (rig, open) = try await Self.collected()
        defer { Task { await rig.stop() } }
        let event = try #require(open.first)
        let snoozed = try await rig.app.actions.act(
            on: event, .snooze(note: "patch window", for: SnoozeDuration(amount: 3, unit: .day)), by: "API key ops")
        #expect(snoozed.outcome == .done && snoozed.duration == "3 days")
        let alert = try #require(await rig.simulator.alert(event.nativeID))
        #expect(alert["status"] == .string("snoozed"))
        #expect(alert["dismissalUntilTs"]?.int64Value == rig.clock.now + 3 * 86_400_000)
        let reopened = try await rig.app.actions.act(on: event, .reopen, by: "API key ops")
        #expect(reopened.outcome == .done)
        #expect(await rig.simulator.alert(event.nativeID)?["status"] == .string("open"))
        #expect(try await rig.app.actions.actions(of: event).map(\.action) == ["reopen", "snooze"])
    }

    @Test("a 429 or 503 from Prisma is retried: the action is done once")
    func retried() async throws {
        let (rig, open) = try await Self.collected()
        defer { Task { await rig.stop() } }
        let event = try #require(open.first)
        await rig.simulator.setFaults(SimFaults(serverErrors: 1, rateLimited: 1))
        let record = try await rig.app.actions.act(on: event, .dismiss(note: "fp"), by: "API key ops")
        #expect(record.outcome == .done, "\(record.detail)")
        #expect(await rig.simulator.counters["alert.dismiss"] == 3)
    }

    @Test("actions are off unless the connector allows them: nothing is sent and the refusal says how to turn them on")
    func offByDefault() async throws {
        let (rig, open) = try await Self.collected(allow: false)
        defer { Task { await rig.stop() } }
        let event = try #require(open.first)
        await #expect(throws: ActionService.Refusal.actionsOff(connector: "prod")) {
            try await rig.app.actions.act(on: event, .dismiss(note: "fp"), by: "API key ops")
        }
        #expect(ActionService.Refusal.actionsOff(connector: "prod").description.contains("allowActions: true"))
        #expect(await rig.simulator.counters["alert.dismiss"] == nil)
        #expect(try await rig.app.actions.actions(of: event).isEmpty)
    }

    @Test("an action that does not fit the finding is refused before Prisma is asked")
    func wrongKind() async throws {
        let (rig, open) = try await Self.collected()
        defer { Task { await rig.stop() } }
        let event = try #require(open.first)
        await #expect(throws: ActionService.Refusal.self) { try await rig.app.actions.act(on: event, .acknowledge, by: "x") }
        await #expect(throws: ActionService.Refusal.noEvent("nope")) { try await rig.app.actions.act(on: "nope", .reopen, by: "x") }
    }

    @Test("acknowledging a Compute incident archives it in the console; unacknowledging brings it back")
    func acknowledgeIncident() async throws {
        let rig = try await Rig.start()
        defer { Task { await rig.stop() } }
        await rig.simulator.addRecentIncidents(3, hours: 1)
        var config = rig.computeConfig()
        config.allowActions = true
        try await rig.app.connectors.add(config)
        #expect(try await rig.app.connectors.poll("compute").error == nil)
        let event = try #require(try await rig.app.store.events(EventQuery(connector: "compute", limit: 1)).first)
        let record = try await rig.app.actions.act(on: event, .acknowledge, by: "CLI user root")
        #expect(record.outcome == .done, "\(record.detail)")
        #expect(await rig.simulator.incident(event.nativeID)?["acknowledged"] == .bool(true))
        #expect(try await rig.app.actions.act(on: event, .unacknowledge, by: "CLI user root").outcome == .done)
        #expect(await rig.simulator.incident(event.nativeID)?["acknowledged"] == .bool(false))
    }

    @Test("the latest event of a finding is found by its Prisma id, for the command line")
    func findsByAlertID() async throws {
        let (rig, open) = try await Self.collected()
        defer { Task { await rig.stop() } }
        let event = try #require(open.first)
        #expect(try await rig.app.actions.latestEvent(nativeID: event.nativeID, connector: nil).id == event.id)
        await #expect(throws: ActionService.Refusal.noAlert("P-0")) {
            try await rig.app.actions.latestEvent(nativeID: "P-0", connector: nil)
        }
    }
}
