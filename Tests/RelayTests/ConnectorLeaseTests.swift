import Foundation
import Logging
import PrismaSim
import Relay
import RelayModel
import RelayStore
import Testing

@Suite("Connector leases")
struct ConnectorLeaseTests {
    @Test("PRISMA_RELAY_CONNECTOR_LEASE sets the lease (30 s unless given); out of range or not a duration, it is refused by name")
    func leaseFromEnvironment() throws {
        #expect(try Poller.leaseSeconds(environment: [:]) == 30)
        #expect(try Poller.leaseSeconds(environment: ["PRISMA_RELAY_CONNECTOR_LEASE": "2m"]) == 120)
        #expect(try Poller.leaseSeconds(environment: ["PRISMA_RELAY_CONNECTOR_LEASE": "8"]) == 8)
        for bad in ["2s", "11m", "soon"] {
            #expect {
                try Poller.leaseSeconds(environment: ["PRISMA_RELAY_CONNECTOR_LEASE": bad])
            } throws: { error in
                "\(error)".contains("PRISMA_RELAY_CONNECTOR_LEASE") && "\(error)".contains("not \"\(bad)\"")
            }
        }
    }

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

    /// What the other worker got while the poll waited.
    final class Attempts: @unchecked Sendable {
        private let lock = NSLock()
        private var granted = 0
        private var tried = 0
        var counts: (tried: Int, granted: Int) { lock.withLock { (tried, granted) } }
        func note(granted: Bool) {
            lock.withLock {
                tried += 1
                if granted { self.granted += 1 }
            }
        }
    }

    @Test("a poll waiting out Prisma's rate limit keeps the connector's lease: no other worker takes it meanwhile")
    func leaseKeptWhileWaiting() async throws {
        // Twenty 429s: the waits are jittered, and ten of them came to less than the 60 s below about once in sixty
        // runs; twenty practically never do.
        let rig = try await Rig.start(faults: SimFaults(rateLimited: 20))
        defer { Task { await rig.stop() } }
        let ids = await rig.simulator.addAlerts(30, start: rig.clock.now - 3_600_000, spread: 3_000_000)
        let store = rig.app.store
        let attempts = Attempts()
        // Each wait passes on the clock at once (well over a lease's 30 s in all); meanwhile another worker asks.
        let app = RelayApp(
            store: store, clock: { rig.clock.now },
            sleep: { wait in
                rig.clock.advance(milliseconds: wait.wholeMilliseconds)
                let now = rig.clock.now
                attempts.note(
                    granted: try await store.acquireConnectorLease("prod", owner: "another-replica", now: now, until: now + 30_000) != nil)
            }, outbound: .allowingLoopback, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        try await app.connectors.add(rig.config())
        let started = rig.clock.now
        let report = try await app.connectors.poll("prod")
        #expect(rig.clock.now - started > 60_000)
        #expect(attempts.counts.tried >= 5)
        #expect(attempts.counts.granted == 0)
        #expect(report.error == nil, "\(report.error ?? "")")
        #expect(Set(try await rig.storedIDs()) == Set(ids))
    }
}
