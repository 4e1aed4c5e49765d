import Foundation
import HTTPServing
import PrismaSim
import Relay
import RelayModel
import RelayStore
import TestSupport
import Testing

@Suite("Two-way sync with ServiceNow: an incident closed there dismisses its alert in Prisma Cloud")
struct ServiceNowSyncTests {
    @Test(
        "a closed incident the relay opened dismisses its alert with the number, close code and notes; the dismissed version is not sent back; without syncClosed nothing is read"
    )
    func closedIncidentDismisses() async throws {
        let rig = try await Rig.start()
        defer { Task { await rig.stop() } }
        let receiver = ServiceNowReceiver(login: "prisma", password: "pw")
        let server = try await receiver.serve()
        defer { Task { await server.stop() } }
        let ids = await rig.simulator.addAlerts(3, start: rig.clock.now - 3_600_000, spread: 3_600_000, closedShare: 0)
        var config = rig.config()
        config.allowActions = true
        try await rig.app.connectors.add(config)
        let draft = IntegrationService.Draft(
            json: .object([
                "name": .string("itsm"), "integrationType": .string("service_now"),
                "integrationConfig": .object([
                    "hostUrl": .string(server.url), "login": .string("prisma"), "password": .string("pw"),
                    "tables": .array([.object(["incident": .bool(true)])]), "syncClosed": .bool(false),
                ]),
            ]))
        let integration = try await rig.app.integrations.create(draft, by: "test")
        _ = try await rig.app.rules.create(
            RuleService.Draft(name: "itsm", notifyOn: ["open", "dismissed"], integrationIDs: [integration.id]))
        #expect(try await rig.app.connectors.poll("prod").error == nil)
        rig.clock.advance(milliseconds: max(0, Int64(Date().timeIntervalSince1970 * 1000) - rig.clock.now + 1_000))
        while try await rig.app.integrations.deliverDue(integration) > 0 {}
        #expect(await receiver.records["incident"]?.count == 3)

        await receiver.close(correlationID: "prod/\(ids[0])", code: "Solved (Permanently)", notes: "Security group fixed")
        // Off unless asked: the relay does not read ServiceNow back.
        #expect(try await rig.app.actions.syncClosures().isEmpty)
        #expect(await rig.simulator.alert(ids[0])?["status"] == .string("open"))

        var changed = integration
        changed.config["syncClosed"] = .bool(true)
        try await rig.app.store.updateIntegration(changed)
        let taken = try await rig.app.actions.syncClosures()
        #expect(taken.map(\.nativeID) == [ids[0]] && taken.first?.outcome == .done, "\(taken)")
        #expect(taken.first?.origin == integration.id && taken.first?.actor == "ServiceNow integration itsm")
        let record = try #require(await receiver.records["incident"]?.first { $0["correlation_id"] == .string("prod/\(ids[0])") })
        let number = try #require(record["number"]?.stringValue)
        #expect(
            await rig.simulator.alert(ids[0])?["dismissalNote"]
                == .string("Closed in ServiceNow as \(number) (Solved (Permanently)): Security group fixed"))
        // Read again: the alert is no longer open, so nothing more is done.
        #expect(try await rig.app.actions.syncClosures().isEmpty)

        // The next poll stores the dismissed version; ServiceNow, which closed it, is not written to again.
        let writes = await receiver.writes.count
        rig.clock.advance(seconds: 300)
        #expect(try await rig.app.connectors.poll("prod").added == 1)
        rig.clock.advance(milliseconds: max(0, Int64(Date().timeIntervalSince1970 * 1000) - rig.clock.now + 1_000))
        while try await rig.app.integrations.deliverDue(changed) > 0 {}
        let written = await receiver.writes
        #expect(written.count == writes, "\(written)")
        let after = await receiver.records["incident"]?.first { $0["correlation_id"] == .string("prod/\(ids[0])") }
        #expect(after?["state"] == .string("7") && after?["close_code"] == .string("Solved (Permanently)"))
    }
}
