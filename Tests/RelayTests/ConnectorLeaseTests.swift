import Foundation
import PrismaSim
import Relay
import RelayModel
import RelayStore
import Testing

@Suite("Connector leases")
struct ConnectorLeaseTests {
    @Test("a poll does not start while another worker holds the connector's lease, and runs once that lease has run out")
    func anotherWorkersLease() async throws {
        let rig = try await Rig.start()
        defer { Task { await rig.stop() } }
        let ids = await rig.simulator.addRecentAlerts(300, hours: 2)
        try await rig.app.connectors.add(rig.config(pageSize: 100))
        let held = try #require(
            try await rig.app.store.acquireConnectorLease(
                "prod", owner: "another-replica", now: rig.clock.now, until: rig.clock.now + 30_000))

        let refused = try await rig.app.connectors.poll("prod")
        #expect(refused.error?.contains("another worker is polling connector \"prod\"") == true)
        #expect(refused.leaseHeldUntil == rig.clock.now + 30_000)
        #expect(refused.pages == 0)
        #expect(try await rig.storedIDs().isEmpty)
        // The status is the lease holder's to keep: this worker recorded nothing.
        #expect(try await rig.app.connectors.state(of: "prod").lastPollAt == nil)

        rig.clock.advance(seconds: 31)
        let report = try await rig.app.connectors.poll("prod")
        #expect(report.error == nil)
        #expect(Set(try await rig.storedIDs()) == Set(ids))
        // The new holder's token fences the old one: a late commit of the other replica is refused.
        await #expect(throws: StoreError.leaseLost(connector: "prod")) {
            try await rig.app.store.commit(events: [], connector: "prod", cursor: rig.clock.now + 999_999, lease: held)
        }
        #expect(try await rig.app.connectors.state(of: "prod").cursor == report.windowEnd)
    }
}
