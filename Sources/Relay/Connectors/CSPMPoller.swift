import Logging
import PrismaAPI
import RelayModel
import RelayStore

/// One poll of a CSPM connector: log in, ask for every alert updated between the stored cursor (less the overlap)
/// and now, follow every page, store each page, and move the cursor only with the last page — so a poll that
/// fails or is killed at any point leaves its whole window to the next one, and nothing is lost.
public struct CSPMPoller: Sendable {
    let config: ConnectorConfig
    let store: any RelayStore
    let client: CSPMClient
    let clock: @Sendable () -> Int64
    let logger: Logger

    public init(
        config: ConnectorConfig, store: any RelayStore, client: CSPMClient, clock: @escaping @Sendable () -> Int64,
        logger: Logger = Logger(label: "prisma-relay.poller")
    ) {
        self.config = config
        self.store = store
        self.client = client
        self.clock = clock
        self.logger = logger
    }

    /// The window the next poll asks for, from the stored cursor (or the first-run look-back) to `now`.
    public static func window(cursor: Int64?, now: Int64, config: ConnectorConfig) -> ClosedRange<Int64> {
        let start = cursor.map { $0 - Int64(config.overlapSeconds) * 1000 } ?? now - Int64(config.lookbackSeconds) * 1000
        return min(start, now)...now
    }

    /// The alert list request for `window`: absolute epoch-ms range on the configured timestamp, the status
    /// filter, detailed alerts, newest first.
    public static func query(window: ClosedRange<Int64>, config: ConnectorConfig) -> AlertQuery {
        let sortField =
            switch config.timeField {
            case .opened: "alertTime"
            case .updated: "lastUpdated"
            case .statusUpdated: "lastSeen"
            }
        return AlertQuery(
            timeRange: .absolute(startTime: window.lowerBound, endTime: window.upperBound),
            filters: config.statuses.map { AlertQuery.Filter(name: "alert.status", value: $0) }
                + [AlertQuery.Filter(name: "timeRange.type", value: config.timeField.prismaFilterValue)],
            limit: config.pageSize, sortBy: ["\(sortField):desc"], detailed: true)
    }

    /// Runs one poll and records its outcome in the connector's status. Never throws: a failure is reported
    /// and recorded, and the cursor stays where it was.
    @discardableResult
    public func poll() async -> PollReport {
        let started = clock()
        var report = PollReport(windowStart: started, windowEnd: started)
        do {
            let cursor = try await store.state(of: config.name).cursor
            let window = Self.window(cursor: cursor, now: started, config: config)
            report = PollReport(windowStart: window.lowerBound, windowEnd: window.upperBound)
            try await client.login()
            var pending: [NormalizedEvent] = []
            for try await page in client.alertPages(Self.query(window: window, config: config), path: config.alertPath) {
                // The previous page is stored only now, so that the last page can carry the cursor.
                report.added += try await store.commit(events: pending, connector: config.name, cursor: nil)
                let observed = clock()
                pending = try page.items.map { alert in
                    do {
                        return try AlertNormalizer.normalize(alert, connector: config.name, observedAt: observed)
                    } catch {
                        throw PollError.unusableAlert("\(error)")
                    }
                }
                report.pages += 1
                report.fetched += page.items.count
                report.bytes += page.byteCount
            }
            report.added += try await store.commit(events: pending, connector: config.name, cursor: window.upperBound)
            try await store.recordPoll(connector: config.name, at: clock(), outcome: .success(added: report.added))
            logger.info(
                "poll completed",
                metadata: ["connector": .string(config.name), "pages": .stringConvertible(report.pages),
                           "fetched": .stringConvertible(report.fetched), "added": .stringConvertible(report.added)])
        } catch {
            let message = String(describing: error)
            report.error = message
            logger.error("poll failed", metadata: ["connector": .string(config.name), "error": .string(message)])
            try? await store.recordPoll(connector: config.name, at: clock(), outcome: .failure(message: message))
        }
        return report
    }
}

/// A poll that had to stop for a reason of its own.
enum PollError: Error, CustomStringConvertible {
    case unusableAlert(String)

    var description: String {
        switch self {
        case .unusableAlert(let detail):
            "Prisma Cloud returned an alert the relay cannot identify (\(detail)); the window will be retried and nothing after it is skipped"
        }
    }
}
