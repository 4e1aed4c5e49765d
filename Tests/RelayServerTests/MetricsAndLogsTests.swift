import Foundation
import HTTPServing
import HTTPTypes
import HummingbirdTesting
import Logging
import PrismaSim
import Prometheus
import Relay
import RelayModel
import RelayServer
import RelayStore
import TestSupport
import Testing

/// Keeps every log line, to prove no secret is ever logged.
final class CapturedLogs: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    var all: String { lock.withLock { lines.joined(separator: "\n") } }
    func append(_ line: String) { lock.withLock { lines.append(line) } }

    struct Handler: LogHandler {
        let sink: CapturedLogs
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            sink.append("\(event.level) \(event.message) \(metadata.merging(event.metadata ?? [:]) { $1 })")
        }
    }
}

@Suite("Metrics and logs")
struct MetricsAndLogsTests {
    @Test("/metrics counts polls, pages, events, errors by kind, 401/429 answers and ingest lag per connector")
    func metrics() async throws {
        let registry = PrometheusCollectorRegistry()
        let logs = CapturedLogs()
        let clock = ManualClock(1_763_800_000_000)
        let simulator = PrismaSimulator(configuration: .init(rateLimitPerSecond: nil, clock: { clock.now }))
        await simulator.addRecentAlerts(120, hours: 1)
        await simulator.setFaults(SimFaults(rateLimited: 2, expireTokenAfterPages: 1))
        let sim = try await simulator.serve()
        defer { Task { await sim.stop() } }
        let directory = try ScratchDirectory.untilExit(prefix: "relay-metrics")
        let app = RelayApp(
            store: try SQLiteStore(path: directory.appendingPathComponent("r.sqlite").path), clock: { clock.now }, sleep: { _ in },
            outbound: .allowingLoopback,
            logger: Logger(label: "test", factory: { _ in CapturedLogs.Handler(sink: logs) }),
            metrics: RelayMetrics(factory: PrometheusMetricsFactory(registry: registry)))
        try await app.connectors.add(
            ConnectorConfig(
                name: "good", apiURL: sim.url, accessKeyID: simulator.user.accessKeyID, secretKey: Secret(simulator.user.secretKey),
                statuses: ["all"], pageSize: 50))
        try await app.connectors.add(
            ConnectorConfig(
                name: "bad", apiURL: sim.url, accessKeyID: simulator.user.accessKeyID, secretKey: Secret("WRONG-SECRET-VALUE")))
        clock.advance(seconds: 30)
        #expect(try await app.connectors.poll("good").error == nil)
        #expect(try await app.connectors.poll("bad").error != nil)

        var text: [UInt8] = []
        registry.emit(into: &text)
        let metrics = String(decoding: text, as: UTF8.self)
        // Each series names the replica that counted it.
        #expect(metrics.contains(#"prisma_relay_polls_total{connector="good",outcome="success",replica="\#(app.workerID)"} 1"#))
        #expect(metrics.contains(#"prisma_relay_polls_total{connector="bad",outcome="failure",replica="\#(app.workerID)"} 1"#))
        #expect(metrics.contains(#"prisma_relay_pages_total{connector="good",replica="\#(app.workerID)"} 3"#))
        #expect(metrics.contains(#"prisma_relay_events_added_total{connector="good",replica="\#(app.workerID)"} 120"#))
        #expect(metrics.contains(#"prisma_relay_poll_errors_total{connector="bad",kind="auth",replica="\#(app.workerID)"} 1"#))
        #expect(metrics.contains(#"prisma_relay_prisma_responses_total{connector="good",status="429",replica="\#(app.workerID)"} 2"#))
        #expect(metrics.contains(#"prisma_relay_prisma_responses_total{connector="good",status="401",replica="\#(app.workerID)"} 2"#))
        #expect(metrics.contains(#"prisma_relay_ingest_lag_seconds{connector="good",replica="\#(app.workerID)"} 0"#))

        let logged = logs.all
        #expect(logged.contains("poll failed"))
        for secret in [simulator.user.secretKey, "WRONG-SECRET-VALUE"] { #expect(!logged.contains(secret)) }
    }

    @Test("/metrics needs a credential and answers Prometheus text")
    func endpoint() async throws {
        let api = try await APIHarness()
        try await api.run { client in
            #expect(try await client.call(.get, "/metrics", [:]).status == .unauthorized)
            let answer = try await client.call(.get, "/metrics", api.bearer)
            #expect(answer.status == .ok)
            #expect(answer.headers[.contentType]?.hasPrefix("text/plain") == true)
        }
    }
}
