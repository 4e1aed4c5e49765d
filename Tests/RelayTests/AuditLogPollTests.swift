import Foundation
import PrismaSim
import Relay
import RelayModel
import RelayStore
import Testing

@Suite("CSPM audit logs collected by a connector")
struct AuditLogPollTests {
    @Test(
        "a connector that collects the audit log stores every record of its window once, across pages; the next poll's overlap adds nothing"
    )
    func collects() async throws {
        let rig = try await Rig.start()
        defer { Task { await rig.stop() } }
        await rig.simulator.addRecentAlerts(30, hours: 2)
        let records = await rig.simulator.addAuditRecords(1_200, hours: 2)
        var config = rig.config()
        config.includeAuditLogs = true
        try await rig.app.connectors.add(config)
        let report = try await rig.app.connectors.poll("prod")
        #expect(report.error == nil, "\(String(describing: report.error))")
        let audits = try await rig.app.store.events(EventQuery(connector: "prod", kind: .audit, limit: 10_000))
        #expect(audits.count == records.count, "three pages of at most 500, every record once")
        #expect(Set(audits.map(\.rawEvent)) == Set(records))
        #expect(audits.allSatisfy { $0.audit?.type == "cspm" && $0.module == .cspm })
        #expect(try await rig.app.store.events(EventQuery(connector: "prod", kind: .alert, limit: 10_000)).count == 30)

        // The next poll reaches back over the last one's window: what it fetches again is absorbed.
        rig.clock.advance(seconds: 300)
        let again = try await rig.app.connectors.poll("prod")
        #expect(again.error == nil && again.added == 0)
        // New records arrive: only they are added.
        await rig.simulator.addAuditRecords(5, hours: 0)
        rig.clock.advance(seconds: 1)
        #expect(try await rig.app.connectors.poll("prod").added == 5)
    }

    @Test("the audit log is a CSPM connector's: a Compute connector asking for it is refused by name")
    func computeRefused() {
        var config = ConnectorConfig(
            name: "cwpp", type: .compute, apiURL: "https://us-east1.cloud.twistlock.com/us-1-111111111", accessKeyID: "k",
            secretKey: Secret("s"))
        config.includeAuditLogs = true
        #expect(throws: ConfigErrors.self) { try config.validated() }
    }
}
