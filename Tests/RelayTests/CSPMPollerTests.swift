import Crypto
import Foundation
import PrismaSim
import Relay
import RelayModel
import RelayStore
import Testing

@Suite("CSPM poller end to end")
struct CSPMPollerTests {
    @Test("10,000 alerts arriving inside one poll window are all stored, exactly once")
    func tenThousandInOneWindow() async throws {
        let rig = try await Rig.start()
        defer { Task { await rig.stop() } }
        let ids = await rig.simulator.addAlerts(10_000, start: rig.clock.now - 3_600_000, spread: 3_600_000)
        try await rig.app.connectors.add(rig.config(pageSize: 500))
        let report = try await rig.app.connectors.poll("prod")
        #expect(report.error == nil)
        #expect(report.added == 10_000)
        let stored = try await rig.storedIDs()
        #expect(stored.count == 10_000)
        #expect(Set(stored).symmetricDifference(ids).isEmpty)
        rig.clock.advance(seconds: 300)
        #expect(try await rig.app.connectors.poll("prod").added == 0)
        #expect(try await rig.storedIDs().count == 10_000)
    }

    @Test("a poll that dies in the middle of paging, then runs again, stores every alert exactly once")
    func crashMidPaging() async throws {
        let crashing = CrashAfterCommits(limit: 3)
        let rig = try await Rig.start(store: { crashing.wrap($0) })
        defer { Task { await rig.stop() } }
        let ids = await rig.simulator.addRecentAlerts(1_500, hours: 2)
        try await rig.app.connectors.add(rig.config(pageSize: 100))
        let failed = try await rig.app.connectors.poll("prod")
        #expect(failed.error?.contains("simulated crash") == true)
        #expect(try await rig.app.connectors.state(of: "prod").cursor == nil)
        let partial = try await rig.storedIDs().count
        #expect(partial > 0 && partial < 1_500)
        crashing.disarm()
        rig.clock.advance(seconds: 60)
        let report = try await rig.app.connectors.poll("prod")
        #expect(report.error == nil)
        #expect(report.added == 1_500 - partial)
        let stored = try await rig.storedIDs()
        #expect(stored.count == 1_500)
        #expect(Set(stored).symmetricDifference(ids).isEmpty)
    }

    @Test("pages are stored one at a time, in the order read, while later ones are fetched; none is stored after one that failed")
    func pagesStoredInOrder() async throws {
        let crashing = CrashAfterCommits(limit: 12)
        let rig = try await Rig.start(store: { crashing.wrap($0) })
        defer { Task { await rig.stop() } }
        _ = await rig.simulator.addRecentAlerts(2_000, hours: 2)
        try await rig.app.connectors.add(rig.config(pageSize: 100))
        let failed = try await rig.app.connectors.poll("prod")
        #expect(failed.error?.contains("simulated crash") == true)
        let commits = crashing.commits
        // The thirteenth commit failed: the pages fetched after it (some were, as storing lags behind) were not stored.
        #expect(commits.attempts == 13)
        #expect(commits.mostAtOnce == 1)
        #expect(commits.pages.count == 12 && commits.pages.allSatisfy { $0.count == 100 })
        #expect(failed.added == 1_200)
        #expect(try await rig.storedIDs().count == 1_200)
        #expect(try await rig.app.connectors.state(of: "prod").cursor == nil)
        // Newest first, as the connector asks Prisma to page them: each page stored is no newer than the one before it.
        for (earlier, later) in zip(commits.pages, commits.pages.dropFirst()) {
            #expect((later.max() ?? 0) <= (earlier.min() ?? 0))
        }
    }

    @Test("a poll cancelled mid-paging leaves its window to the next poll, which stores everything once")
    func cancelledMidPaging() async throws {
        let rig = try await Rig.start(faults: SimFaults(slowResponseMillis: 20))
        defer { Task { await rig.stop() } }
        let ids = await rig.simulator.addRecentAlerts(2_000, hours: 2)
        try await rig.app.connectors.add(rig.config(pageSize: 50))
        let poll = Task { try await rig.app.connectors.poll("prod") }
        while try await rig.app.connectors.state(of: "prod").totalEvents < 200 { try await Task.sleep(for: .milliseconds(5)) }
        // Polls are cancelled the way shutdown cancels them: the running poll itself, whoever waits for it.
        await rig.app.polls.finish(within: .zero)
        _ = try? await poll.value
        #expect(try await rig.app.connectors.state(of: "prod").cursor == nil)
        await rig.simulator.setFaults(SimFaults())
        let report = try await rig.app.connectors.poll("prod")
        #expect(report.error == nil)
        let stored = try await rig.storedIDs()
        #expect(stored.count == 2_000)
        #expect(Set(stored).symmetricDifference(ids).isEmpty)
    }

    @Test("token expiry mid-paging, a burst of 429s, 5xx answers and a trailing empty page are all survived without loss")
    func faultsSurvived() async throws {
        let faults = SimFaults(serverErrors: 3, rateLimited: 10, expireTokenAfterPages: 2, trailingEmptyPage: true)
        let rig = try await Rig.start(faults: faults)
        defer { Task { await rig.stop() } }
        let ids = await rig.simulator.addRecentAlerts(1_000, hours: 3)
        try await rig.app.connectors.add(rig.config(pageSize: 100))
        let report = try await rig.app.connectors.poll("prod")
        #expect(report.error == nil)
        #expect(report.pages <= 11)
        let stored = try await rig.storedIDs()
        #expect(stored.count == 1_000)
        #expect(Set(stored).symmetricDifference(ids).isEmpty)
        #expect(await rig.simulator.counters["login", default: 0] >= 5)
        #expect(try await rig.app.connectors.state(of: "prod").status == .active)
    }

    @Test("a status change becomes a new event version; fetching the same version again adds nothing")
    func statusChangeIsNewVersion() async throws {
        let rig = try await Rig.start()
        defer { Task { await rig.stop() } }
        await rig.simulator.addRecentAlerts(300, hours: 1)
        try await rig.app.connectors.add(rig.config())
        #expect(try await rig.app.connectors.poll("prod").added == 300)
        rig.clock.advance(seconds: 600)
        let resolved = await rig.simulator.transition(7, to: "resolved")
        rig.clock.advance(seconds: 60)
        let second = try await rig.app.connectors.poll("prod")
        #expect(second.added == 7)
        let events = try await rig.app.store.events(EventQuery(limit: 1000))
        for id in resolved {
            let versions = events.filter { $0.nativeID == id }
            #expect(versions.count == 2)
            #expect(Set(versions.map(\.status)).contains("resolved"))
        }
        // The overlap makes the next window fetch the resolved versions again; they stay single rows.
        rig.clock.advance(seconds: 60)
        let third = try await rig.app.connectors.poll("prod")
        #expect(third.fetched >= 7)
        #expect(third.added == 0)
        #expect(try await rig.storedIDs().count == 307)
    }

    @Test("the default status filter collects open alerts only, as the seed's connector does")
    func openOnlyByDefault() async throws {
        let rig = try await Rig.start()
        defer { Task { await rig.stop() } }
        await rig.simulator.addRecentAlerts(600, hours: 2)
        try await rig.app.connectors.add(rig.config(statuses: ["open"]))
        _ = try await rig.app.connectors.poll("prod")
        let events = try await rig.app.store.events(EventQuery(limit: 1000))
        #expect(!events.isEmpty && events.count < 600)
        #expect(events.allSatisfy { $0.status == "open" })
    }
}

/// A store that fails every commit after the first `limit`, like a process killed between two pages. It notes each
/// commit asked of it: how many, how many at once, and the `lastUpdated` times of each page stored.
final class CrashAfterCommits: @unchecked Sendable {
    private let lock = NSLock()
    private var remaining: Int?
    private var running = 0
    private var noted = (attempts: 0, mostAtOnce: 0, pages: [[Int64]]())

    init(limit: Int) { remaining = limit }

    func disarm() { lock.withLock { remaining = nil } }

    /// Commits asked for, the most that ran at once, and the `lastUpdated` times of each page stored, in the order stored.
    var commits: (attempts: Int, mostAtOnce: Int, pages: [[Int64]]) { lock.withLock { noted } }

    func take() throws {
        try lock.withLock {
            noted.attempts += 1
            guard let left = remaining else { return }
            if left == 0 { throw SimulatedCrash() }
            remaining = left - 1
        }
    }

    func stored<T>(_ events: [NormalizedEvent], by commit: () async throws -> T) async throws -> T {
        lock.withLock {
            running += 1
            noted.mostAtOnce = max(noted.mostAtOnce, running)
        }
        defer { lock.withLock { running -= 1 } }
        let result = try await commit()
        lock.withLock { noted.pages.append(events.compactMap { $0.rawEvent["lastUpdated"]?.int64Value }) }
        return result
    }

    func wrap(_ store: SQLiteStore) -> any RelayStore { Crashing(base: store, gate: self) }

    struct SimulatedCrash: Error, CustomStringConvertible {
        var description: String { "simulated crash" }
    }

    struct Crashing: RelayStore {
        let base: SQLiteStore
        let gate: CrashAfterCommits
        var location: String { base.location }
        var queued: WorkSignal { base.queued }
        func derivedKey(purpose: String) -> SymmetricKey { base.derivedKey(purpose: purpose) }
        func rotateMasterKey() async throws -> Int { try await base.rotateMasterKey() }
        func migrate() async throws -> [String] { try await base.migrate() }
        func readiness() async throws { try await base.readiness() }
        func addConnector(_ config: ConnectorConfig) async throws { try await base.addConnector(config) }
        func updateConnector(_ config: ConnectorConfig) async throws { try await base.updateConnector(config) }
        func removeConnector(named name: String) async throws { try await base.removeConnector(named: name) }
        func connector(named name: String) async throws -> ConnectorConfig? { try await base.connector(named: name) }
        func connectors() async throws -> [ConnectorConfig] { try await base.connectors() }
        func commit(events: [NormalizedEvent], connector: String, cursor: Int64?, lease: ConnectorLease?) async throws -> Int {
            try gate.take()
            return try await gate.stored(events) {
                try await base.commit(events: events, connector: connector, cursor: cursor, lease: lease)
            }
        }
        func recordRejected(_ findings: [RejectedFinding]) async throws { try await base.recordRejected(findings) }
        func rejectedFindings(connector: String?) async throws -> [RejectedFinding] {
            try await base.rejectedFindings(connector: connector)
        }
        func recordPoll(_ record: PollRecord) async throws { try await base.recordPoll(record) }
        func recordAction(_ record: ActionRecord) async throws -> ActionRecord { try await base.recordAction(record) }
        func actions(connector: String, nativeID: String) async throws -> [ActionRecord] {
            try await base.actions(connector: connector, nativeID: nativeID)
        }
        func polls(connector: String, limit: Int) async throws -> [PollRecord] { try await base.polls(connector: connector, limit: limit) }
        func pollHours(connector: String, since: Int64) async throws -> [PollHour] {
            try await base.pollHours(connector: connector, since: since)
        }
        func state(of connector: String) async throws -> ConnectorState { try await base.state(of: connector) }
        func noteWaiting(connector: String, _ note: String?) async throws { try await base.noteWaiting(connector: connector, note) }
        func eventPage(_ query: EventQuery) async throws -> EventPage { try await base.eventPage(query) }
        func countEvents(_ query: EventQuery) async throws -> Int { try await base.countEvents(query) }
        func queueBackfill(_ rows: [OutboxRow], apply: Bool) async throws -> Int { try await base.queueBackfill(rows, apply: apply) }
        func eventSummary(connector: String?) async throws -> EventSummary { try await base.eventSummary(connector: connector) }
        func event(id: String) async throws -> NormalizedEvent? { try await base.event(id: id) }
        func deliveries(eventIDs: [String]) async throws -> [String: [DeliveryState]] { try await base.deliveries(eventIDs: eventIDs) }
        func hourlyCounts(since: Int64, connector: String?) async throws -> [HourlyCount] {
            try await base.hourlyCounts(since: since, connector: connector)
        }
        func applyConfiguration(_ changes: [ConfigurationChange]) async throws { try await base.applyConfiguration(changes) }
        func addIntegration(_ integration: Integration) async throws { try await base.addIntegration(integration) }
        func updateIntegration(_ integration: Integration) async throws { try await base.updateIntegration(integration) }
        func removeIntegration(id: String) async throws { try await base.removeIntegration(id: id) }
        func integration(id: String) async throws -> Integration? { try await base.integration(id: id) }
        func integrations() async throws -> [Integration] { try await base.integrations() }
        func addRule(_ rule: AlertRule) async throws { try await base.addRule(rule) }
        func updateRule(_ rule: AlertRule) async throws { try await base.updateRule(rule) }
        func removeRule(id: String) async throws { try await base.removeRule(id: id) }
        func rule(id: String) async throws -> AlertRule? { try await base.rule(id: id) }
        func rules() async throws -> [AlertRule] { try await base.rules() }
        func outbox(integrationID: String?) async throws -> [OutboxEntry] { try await base.outbox(integrationID: integrationID) }
        func addAPIKey(_ key: APIKey) async throws { try await base.addAPIKey(key) }
        func claimDeliveries(
            integrationID: String, owner: String, now: Int64, until: Int64, limit: Int, readingSubjectFields: Bool
        ) async throws -> [QueuedDelivery] {
            try await base.claimDeliveries(
                integrationID: integrationID, owner: owner, now: now, until: until, limit: limit, readingSubjectFields: readingSubjectFields
            )
        }
        func renewClaims(_ seqs: [Int64], owner: String, now: Int64, until: Int64) async throws -> Set<Int64> {
            try await base.renewClaims(seqs, owner: owner, now: now, until: until)
        }
        func recordDeliveries(_ records: [DeliveryRecord], integrationID: String, owner: String, at time: Int64) async throws -> Int {
            try await base.recordDeliveries(records, integrationID: integrationID, owner: owner, at: time)
        }
        func releaseClaims(integrationID: String, owner: String) async throws {
            try await base.releaseClaims(integrationID: integrationID, owner: owner)
        }
        func acquireConnectorLease(_ connector: String, owner: String, now: Int64, until: Int64) async throws -> ConnectorLease? {
            try await base.acquireConnectorLease(connector, owner: owner, now: now, until: until)
        }
        func releaseConnectorLease(_ lease: ConnectorLease) async throws { try await base.releaseConnectorLease(lease) }
        func recordHeartbeat(_ replica: Replica) async throws { try await base.recordHeartbeat(replica) }
        func holdSendSlots(integrationID: String, owner: String, wanted: Int, cap: Int, now: Int64, until: Int64) async throws -> Int {
            try await base.holdSendSlots(integrationID: integrationID, owner: owner, wanted: wanted, cap: cap, now: now, until: until)
        }
        func takeRequestBudget(_ budget: RateBudget, now: Int64) async throws -> Int64 {
            try await base.takeRequestBudget(budget, now: now)
        }
        func replicas(now: Int64) async throws -> [Replica] { try await base.replicas(now: now) }
        func saveConsoleSession(_ session: ConsoleSession) async throws { try await base.saveConsoleSession(session) }
        func consoleSession(id: String) async throws -> ConsoleSession? { try await base.consoleSession(id: id) }
        func removeConsoleSession(id: String) async throws { try await base.removeConsoleSession(id: id) }
        func removeConsoleSessions(keyID: String?, expiredBefore: Int64) async throws {
            try await base.removeConsoleSessions(keyID: keyID, expiredBefore: expiredBefore)
        }
        func setIntegrationHealth(integrationID: String, _ health: IntegrationHealth) async throws {
            try await base.setIntegrationHealth(integrationID: integrationID, health)
        }
        func integrationHealth(id: String, countingQueue: Bool) async throws -> IntegrationHealth {
            try await base.integrationHealth(id: id, countingQueue: countingQueue)
        }
        func resumeDeliveries(integrationID: String, at time: Int64) async throws {
            try await base.resumeDeliveries(integrationID: integrationID, at: time)
        }
        func deadLetters(integrationID: String?) async throws -> [DeadLetter] { try await base.deadLetters(integrationID: integrationID) }
        func deliveryHours(integrationID: String, since: Int64) async throws -> [DeliveryHour] {
            try await base.deliveryHours(integrationID: integrationID, since: since)
        }
        func deliveryFailures(integrationID: String, limit: Int) async throws -> [DeliveryFailure] {
            try await base.deliveryFailures(integrationID: integrationID, limit: limit)
        }
        func retryDeadLetters(integrationID: String, seq: Int64?) async throws -> Int {
            try await base.retryDeadLetters(integrationID: integrationID, seq: seq)
        }
        func discardDeadLetter(integrationID: String, seq: Int64) async throws -> Bool {
            try await base.discardDeadLetter(integrationID: integrationID, seq: seq)
        }
        func apiKey(id: String) async throws -> APIKey? { try await base.apiKey(id: id) }
        func apiKeys() async throws -> [APIKey] { try await base.apiKeys() }
        func revokeAPIKey(_ idOrName: String, at time: Int64) async throws -> Bool { try await base.revokeAPIKey(idOrName, at: time) }
        func noteAPIKeyUse(id: String, at time: Int64) async throws { try await base.noteAPIKeyUse(id: id, at: time) }
    }
}
