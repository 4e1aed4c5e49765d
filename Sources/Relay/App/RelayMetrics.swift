import CoreMetrics
import PrismaAPI
import RelayModel

/// The relay's named counters and gauges, labelled by connector: polls, pages, events added, errors by kind,
/// Prisma's 401 and 429 answers, and how far behind now each connector's collection is. Each also carries the
/// `replica` it was counted by, so the figures of replicas behind one scrape job stay apart.
public struct RelayMetrics: Sendable {
    let factory: any MetricsFactory
    /// The worker id of the process counting (set by `RelayApp`).
    let replica: String?

    /// Metrics into `factory` (a Prometheus registry's in `serve`; the global one otherwise).
    public init(factory: any MetricsFactory = MetricsSystem.factory) {
        self.init(factory: factory, replica: nil)
    }

    init(factory: any MetricsFactory, replica: String?) {
        self.factory = factory
        self.replica = replica
    }

    /// The same metrics, labelled with the replica counting them.
    func labelled(replica: String) -> RelayMetrics { RelayMetrics(factory: factory, replica: replica) }

    /// `dimensions` and the replica's label.
    func labels(_ dimensions: [(String, String)]) -> [(String, String)] { dimensions + (replica.map { [("replica", $0)] } ?? []) }

    /// Records the end of a poll.
    func pollFinished(connector: String, report: PollReport, error: (any Error)?, cursor: Int64?, now: Int64) {
        let label = [("connector", connector)]
        Counter(
            label: "prisma_relay_polls_total", dimensions: labels(label + [("outcome", error == nil ? "success" : "failure")]),
            factory: factory
        )
        .increment()
        Counter(label: "prisma_relay_pages_total", dimensions: labels(label), factory: factory).increment(by: report.pages)
        Counter(label: "prisma_relay_events_added_total", dimensions: labels(label), factory: factory).increment(by: report.added)
        if report.rejected > 0 {
            Counter(label: "prisma_relay_findings_rejected_total", dimensions: labels(label), factory: factory).increment(
                by: report.rejected)
        }
        if let error {
            Counter(label: "prisma_relay_poll_errors_total", dimensions: labels(label + [("kind", Self.kind(of: error))]), factory: factory)
                .increment()
        }
        if let cursor {
            Gauge(label: "prisma_relay_ingest_lag_seconds", dimensions: labels(label), factory: factory).record(
                Double(max(0, now - cursor)) / 1000)
        }
    }

    /// Counts the Prisma answers operators watch: 401 (token expired or refused) and 429 (rate limited).
    func prismaAnswered(connector: String, status: Int) {
        guard status == 401 || status == 429 else { return }
        Counter(
            label: "prisma_relay_prisma_responses_total", dimensions: labels([("connector", connector), ("status", String(status))]),
            factory: factory
        )
        .increment()
    }

    /// Counts a delivery outcome (delivered, retry, dead, paused) for an integration.
    func delivery(integration: String, outcome: String) {
        Counter(
            label: "prisma_relay_deliveries_total", dimensions: labels([("integration", integration), ("outcome", outcome)]),
            factory: factory
        )
        .increment()
    }

    /// Counts a refused sign-in or credential (`reason`: `invalid`, `revoked`, `throttled`).
    public func authFailure(reason: String) {
        Counter(label: "prisma_relay_auth_failures_total", dimensions: labels([("reason", reason)]), factory: factory).increment()
    }

    /// 1 while a connector is silent in the way `condition` says (no successful poll, no new events), else 0.
    func silent(connector: String, condition: String, _ silent: Bool) {
        Gauge(
            label: "prisma_relay_connector_silent", dimensions: labels([("connector", connector), ("condition", condition)]),
            factory: factory
        )
        .record(silent ? 1 : 0)
    }

    /// A heartbeat queued for an integration.
    func heartbeat(integration: String) {
        Counter(label: "prisma_relay_heartbeats_total", dimensions: labels([("integration", integration)]), factory: factory).increment()
    }

    /// Records how many events wait for an integration.
    func queueDepth(integration: String, depth: Int) {
        Gauge(label: "prisma_relay_queue_depth", dimensions: labels([("integration", integration)]), factory: factory).record(depth)
    }

    /// A short name for an error's kind.
    static func kind(of error: any Error) -> String {
        switch error {
        case let error as PrismaClientError:
            switch error {
            case .loginRejected, .computeLoginRejected, .loginNeedsCustomerName, .tokenRefused: "auth"
            case .forbidden: "forbidden"
            case .notJSON: "not_json"
            case .malformedJSON: "malformed_json"
            case .rejected: "rejected"
            case .retriesExhausted: "retries_exhausted"
            case .unreachable: "unreachable"
            case .outboundRefused: "outbound_refused"
            case .tenantPathMissing: "tenant_path"
            case .plainHTTP: "plain_http"
            }
        case is PollBoundReached: "poll_bound"
        default: "store"
        }
    }
}
