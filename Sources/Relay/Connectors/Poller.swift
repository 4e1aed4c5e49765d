import Foundation
import Logging
import RelayModel
import RelayStore

/// One poll of a connector: ask its source for every finding between the stored cursor (less the overlap) and
/// now, store each page as it arrives, and move the cursor only with the last page — so a poll that fails or is
/// killed at any point leaves its whole window to the next one, and nothing is lost.
public struct Poller: Sendable {
    let config: ConnectorConfig
    let source: any FindingSource
    let store: any RelayStore
    let clock: @Sendable () -> Int64
    /// When the poll must stop (epoch ms), if bounded.
    let deadline: Int64?
    let logger: Logger
    let metrics: RelayMetrics
    /// Who polls: the poll runs only while this worker holds the connector's lease, and its commits carry it.
    let worker: String
    /// How long a lease lasts; it is renewed while the poll pages.
    let leaseMillis: Int64

    public init(
        config: ConnectorConfig, source: any FindingSource, store: any RelayStore, clock: @escaping @Sendable () -> Int64,
        deadline: Int64? = nil, logger: Logger = Logger(label: "prisma-relay.poller"), metrics: RelayMetrics = RelayMetrics(),
        worker: String = "relay-" + UUID().uuidString.lowercased(), leaseSeconds: Int64 = Poller.leaseSeconds
    ) {
        self.worker = worker
        self.leaseMillis = leaseSeconds * 1000
        self.deadline = deadline
        self.metrics = metrics
        self.config = config
        self.source = source
        self.store = store
        self.clock = clock
        self.logger = logger
    }

    /// How long a connector's lease lasts unless renewed.
    public static let leaseSeconds: Int64 = 30
    /// The variable that changes it.
    public static let leaseEnvironmentKey = "PRISMA_RELAY_CONNECTOR_LEASE"

    /// The lease from `PRISMA_RELAY_CONNECTOR_LEASE` (a duration from 5s to 10m), or the default of 30 s. A replica
    /// that dies holds its connectors until their lease ends, so a shorter lease means a faster takeover and more
    /// renewals.
    public static func leaseSeconds(environment: [String: String]) throws(ConfigErrors) -> Int64 {
        guard let text = environment[leaseEnvironmentKey] else { return leaseSeconds }
        guard let seconds = DeliverySettings.seconds(in: text), (5...600).contains(seconds) else {
            throw ConfigErrors([
                ConfigError(
                    field: leaseEnvironmentKey,
                    "must be a duration from 5s to 10m such as 30s or 2m (longer than a page of alerts may take), not \"\(text)\"")
            ])
        }
        return seconds
    }

    /// The window the next poll asks for, from the stored cursor (or the first-run look-back) to `now`.
    public static func window(cursor: Int64?, now: Int64, config: ConnectorConfig) -> ClosedRange<Int64> {
        let start = cursor.map { $0 - Int64(config.overlapSeconds) * 1000 } ?? now - Int64(config.lookbackSeconds) * 1000
        return min(start, now)...now
    }

    /// Runs one poll and records its outcome in the connector's status. Never throws: a failure is reported
    /// and recorded, and the cursor stays where it was.
    @discardableResult
    public func poll() async -> PollReport {
        let started = clock()
        var report = PollReport(windowStart: started, windowEnd: started)
        var cursor: Int64?
        var failure: (any Error)?
        defer { metrics.pollFinished(connector: config.name, report: report, error: failure, cursor: cursor, now: clock()) }
        // Pages being stored, one at a time and in order, while the next ones are fetched and normalized.
        var storing: [Task<Int, any Error>] = []
        let taken: ConnectorLease?
        do {
            taken = try await store.acquireConnectorLease(config.name, owner: worker, now: started, until: started + leaseMillis)
        } catch {
            // The store could not be asked: a failed poll, said in the status like any other.
            failure = error
            report.error = String(describing: error)
            logger.error("poll failed", metadata: ["connector": .string(config.name), "error": .string(report.error ?? "")])
            try? await store.recordPoll(record(report, started: started))
            return report
        }
        guard var lease = taken else {
            report.error = "another worker is polling connector \"\(config.name)\" now; this poll was not started"
            report.leaseHeldUntil = started + leaseMillis
            return report
        }
        do {
            cursor = try await store.state(of: config.name).cursor
            let window = Self.window(cursor: cursor, now: started, config: config)
            report = PollReport(windowStart: window.lowerBound, windowEnd: window.upperBound)
            var pending: [NormalizedEvent] = []
            try await source.collect(window: window, observedAt: clock) { [deadline] page in
                if let deadline, clock() > deadline { throw PollBoundReached(minutes: Int((deadline - started) / 60_000), last: "paging") }
                // Renewed past half its life; a lease another worker took meanwhile stops the poll here.
                let now = clock()
                if now > lease.until - leaseMillis / 2 {
                    guard
                        let renewed = try await store.acquireConnectorLease(config.name, owner: worker, now: now, until: now + leaseMillis),
                        renewed.token == lease.token
                    else { throw StoreError.leaseLost(connector: config.name) }
                    lease = renewed
                }
                if !page.rejected.isEmpty {
                    // Kept before the cursor can move past them: visible in the status, never lost.
                    let now = clock()
                    try await store.recordRejected(
                        page.rejected.map {
                            RejectedFinding(connector: config.name, reason: $0.reason, raw: $0.raw, rejectedAt: now)
                        })
                    report.rejected += page.rejected.count
                    logger.warning(
                        "findings rejected",
                        metadata: [
                            "connector": .string(config.name), "count": .stringConvertible(page.rejected.count),
                            "reason": .string(page.rejected[0].reason),
                        ])
                }
                // The previous page is stored while the source fetches the next ones, at most `storingDepth` pages
                // behind; each waits for the one before it, so pages are stored one at a time and in order. The last
                // page is held back so that it can carry the cursor.
                while storing.count >= Self.storingDepth { report.added += try await storing.removeFirst().value }
                let previous = pending
                if !previous.isEmpty {
                    let before = storing.last
                    storing.append(
                        Task { [store, name = config.name, lease] in
                            _ = try await before?.value
                            return try await store.commit(events: previous, connector: name, cursor: nil, lease: lease)
                        })
                }
                pending = page.events
                report.pages += 1
                report.fetched += page.events.count
                report.bytes += page.bytes
            }
            for task in storing { report.added += try await task.value }
            storing = []
            report.added += try await store.commit(events: pending, connector: config.name, cursor: window.upperBound, lease: lease)
            cursor = window.upperBound
            try await store.recordPoll(record(report, started: started))
            logger.info(
                "poll completed",
                metadata: [
                    "connector": .string(config.name), "pages": .stringConvertible(report.pages),
                    "fetched": .stringConvertible(report.fetched), "added": .stringConvertible(report.added),
                ])
        } catch {
            // Pages already being stored finish first (their events count as stored; the cursor stays).
            for task in storing { if let added = try? await task.value { report.added += added } }
            failure = error
            let message = String(describing: error)
            report.error = message
            logger.error("poll failed", metadata: ["connector": .string(config.name), "error": .string(message)])
            // A poll that lost its lease leaves the status to the worker that holds it now.
            if case StoreError.leaseLost? = error as? StoreError {
            } else {
                try? await store.recordPoll(record(report, started: started))
            }
        }
        // Given up even when the poll was cancelled (a task of its own is not), so the next poll need not wait it out.
        await Task { [store, lease] in try? await store.releaseConnectorLease(lease) }.value
        return report
    }

    /// How many pages may wait to be stored while the next one is fetched. Fetching and storing a page take about as
    /// long on average; the pages queued absorb the commits that take longer (those that also copy SQLite's log into
    /// the database). Each page held costs its text and events, a few MB.
    static let storingDepth = 3

    /// The poll as the connector's history keeps it.
    private func record(_ report: PollReport, started: Int64) -> PollRecord {
        PollRecord(
            connector: config.name, startedAt: started, finishedAt: clock(), pages: report.pages, fetched: report.fetched,
            added: report.added, rejected: report.rejected, error: report.error)
    }
}
