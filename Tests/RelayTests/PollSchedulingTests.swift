import Foundation
import HTTPServing
import Logging
import PrismaSim
import Relay
import RelayModel
import RelayStore
import ServiceLifecycle
import Testing

/// Polls of different connectors run side by side; polls of one connector never do.
@Suite("Poll scheduling")
struct PollSchedulingTests {
    @Test("six \"poll now\" requests at once run one poll, and every caller gets its report")
    func concurrentPollNowShareOnePoll() async throws {
        let rig = try await Rig.start(faults: SimFaults(slowResponseMillis: 300))
        defer { Task { await rig.stop() } }
        await rig.simulator.addAlerts(40, start: rig.clock.now - 3_600_000, spread: 3_000_000)
        try await rig.app.connectors.add(rig.config())
        let reports = try await withThrowingTaskGroup(of: PollReport.self) { group in
            for _ in 0..<6 { group.addTask { try await rig.app.connectors.poll("prod") } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(reports.count == 6)
        #expect(Set(reports.map(\.added)) == [40], "\(reports.map(\.added))")
        #expect(await rig.simulator.counters["login"] == 1)
        #expect(try await rig.storedIDs().count == 40)
    }

    @Test("a slow tenant does not delay another connector, and shutdown ends the slow poll within the grace")
    func slowTenantDelaysOnlyItself() async throws {
        let rig = try await Rig.start()
        defer { Task { await rig.stop() } }
        await rig.simulator.addAlerts(10, start: rig.clock.now - 3_600_000, spread: 3_000_000)
        let slow = PrismaSimulator(configuration: .init(seed: 9, rateLimitPerSecond: nil, clock: { rig.clock.now }))
        await slow.addAlerts(10, start: rig.clock.now - 3_600_000, spread: 3_000_000)
        await slow.setFaults(SimFaults(slowResponseMillis: 60_000))
        let slowServer = try await slow.serve()
        defer { Task { await slowServer.stop() } }
        try await rig.app.connectors.add(
            ConnectorConfig(
                name: "slow", apiURL: slowServer.url, accessKeyID: slow.user.accessKeyID, secretKey: Secret(slow.user.secretKey),
                statuses: ["all"]))
        try await rig.app.connectors.add(rig.config(name: "fast"))

        let group = ServiceGroup(
            configuration: .init(
                services: [PollScheduler(app: rig.app, tick: .milliseconds(100), grace: .seconds(1))], gracefulShutdownSignals: [],
                logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })))
        let running = Task { try await group.run() }
        // The slow tenant answers after 60 s: the fast one done well before that did not wait for it. The bound is far
        // from what the fast poll takes alone (well under a second), for a machine busy with the whole suite.
        let deadline = Date().addingTimeInterval(40)
        while try await rig.app.connectors.state(of: "fast").lastSuccessAt == nil, Date() < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(try await rig.storedIDs("fast").count == 10, "the fast tenant waited for the slow one")
        #expect(await rig.app.polls.isRunning("slow"))

        let stopping = Date()
        await group.triggerGracefulShutdown()
        try await running.value
        // The slow response takes 60 s; the grace is 1 s. The bound leaves room for a loaded machine.
        #expect(Date().timeIntervalSince(stopping) < 30, "shutdown waited for the slow tenant")
        #expect(await rig.app.polls.count == 0)
        // The slow poll stored nothing and moved no cursor: its window is the next run's.
        #expect(try await rig.app.connectors.state(of: "slow").cursor == nil)
    }

    @Test("two replicas on one store poll a connector once an interval between them, not once each")
    func replicasShareTheInterval() async throws {
        let rig = try await Rig.start()
        defer { Task { await rig.stop() } }
        await rig.simulator.addAlerts(10, start: rig.clock.now - 3_600_000, spread: 3_000_000)
        try await rig.app.connectors.add(rig.config())
        // A second replica: its own worker, the same store and clock.
        let other = RelayApp(
            store: rig.app.store, clock: { rig.clock.now }, sleep: { _ in }, outbound: .allowingLoopback,
            logger: .init(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        let group = ServiceGroup(
            configuration: .init(
                services: [rig.app, other].map { PollScheduler(app: $0, tick: .milliseconds(50), grace: .seconds(1)) },
                gracefulShutdownSignals: [], logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })))
        let running = Task { try await group.run() }
        /// The polls recorded once there are at least `least` and both replicas have had a second more to start any
        /// poll they would.
        func polls(atLeast least: Int) async throws -> Int {
            let deadline = Date().addingTimeInterval(30)
            while try await rig.app.store.polls(connector: "prod", limit: 100).count < least, Date() < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
            try await Task.sleep(for: .seconds(1))
            while await rig.app.polls.count + other.polls.count > 0 { try await Task.sleep(for: .milliseconds(50)) }
            return try await rig.app.store.polls(connector: "prod", limit: 100).count
        }
        #expect(try await polls(atLeast: 1) == 1)
        // Due again (the default interval is 300 s): one of them polls, and the other finds that poll.
        rig.clock.advance(seconds: 301)
        #expect(try await polls(atLeast: 2) == 2)
        // Past the lease a replica waits out when it found the other polling: still that one poll.
        rig.clock.advance(seconds: Poller.leaseSeconds + 1)
        #expect(try await polls(atLeast: 2) == 2)
        rig.clock.advance(seconds: 300)
        #expect(try await polls(atLeast: 3) == 3)
        await group.triggerGracefulShutdown()
        try await running.value
    }
}
