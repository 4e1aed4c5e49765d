import Foundation
import PrismaSim
import Relay
import RelayModel
import RelayStore
import Testing

@Suite("Audit streams through the simulator's faults")
struct AuditStreamFaultTests {
    /// Each fault, and all of them together, aimed at the audit routes alone.
    static let faults: [(String, @Sendable (Set<String>) -> SimFaults)] = [
        ("503", { SimFaults(serverErrors: 4, routes: $0) }),
        ("429", { SimFaults(rateLimited: 6, routes: $0) }),
        ("malformed JSON", { SimFaults(malformedJSON: 3, routes: $0) }),
        ("an HTML page", { SimFaults(htmlErrorPage: 3, routes: $0) }),
        ("all of them", { SimFaults(serverErrors: 2, rateLimited: 2, malformedJSON: 2, htmlErrorPage: 2, routes: $0) }),
    ]

    /// Polls until a poll ends without an error (the clock moving on between polls), at most ten times.
    static func pollUntilClean(_ rig: Rig, _ connector: String) async throws {
        for _ in 0..<10 {
            if try await rig.app.connectors.poll(connector).error == nil { return }
            rig.clock.advance(seconds: 300)
        }
        Issue.record("\(connector) never polled cleanly")
    }

    @Test(
        "the tenant's audit log: every record stored once through each fault, and re-polls add nothing",
        arguments: faults.indices)
    func auditLog(_ index: Int) async throws {
        let (name, fault) = Self.faults[index]
        let rig = try await Rig.start()
        defer { Task { await rig.stop() } }
        let records = await rig.simulator.addAuditRecords(1_200, hours: 2)
        var config = rig.config()
        config.includeAuditLogs = true
        try await rig.app.connectors.add(config)
        await rig.simulator.setFaults(fault(["audit"]))
        try await Self.pollUntilClean(rig, "prod")
        #expect(await rig.simulator.faults == SimFaults(routes: ["audit"]), "every \(name) fault was met")
        let stored = try await rig.app.store.events(EventQuery(connector: "prod", kind: .audit, limit: 10_000))
        #expect(
            stored.count == records.count && Set(stored.map(\.rawEvent)) == Set(records), "\(name): \(stored.count) of \(records.count)")
        rig.clock.advance(seconds: 300)
        #expect(try await rig.app.connectors.poll("prod").added == 0)
    }

    @Test(
        "Compute runtime and WAAS audits: every record stored once through each fault, and re-polls add nothing",
        arguments: faults.indices)
    func runtimeAudits(_ index: Int) async throws {
        let (name, fault) = Self.faults[index]
        let rig = try await Rig.start()
        defer { Task { await rig.stop() } }
        let container = await rig.simulator.addRuntimeAudits(.container, 180, hours: 2)
        let waas = await rig.simulator.addRuntimeAudits(.waas, 70, hours: 2)
        var config = rig.computeConfig()
        config.runtimeAudits = [.container, .waas]
        try await rig.app.connectors.add(config)
        await rig.simulator.setFaults(fault(["compute.audits"]))
        try await Self.pollUntilClean(rig, "compute")
        #expect(await rig.simulator.faults == SimFaults(routes: ["compute.audits"]), "every \(name) fault was met")
        // Audits are read two minutes behind the incidents: the next poll brings the last two minutes'.
        rig.clock.advance(seconds: 180)
        try await Self.pollUntilClean(rig, "compute")
        let stored = try await rig.app.store.events(EventQuery(connector: "compute", kind: .audit, limit: 10_000))
        #expect(stored.count == 250, "\(name): \(stored.count) of 250")
        #expect(Set(stored.map(\.rawEvent)) == Set(container + waas))
        rig.clock.advance(seconds: 300)
        #expect(try await rig.app.connectors.poll("compute").added == 0)
    }
}
