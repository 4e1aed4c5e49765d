import Delivery
import Foundation
import Logging
import PrismaAPI
import RelayHTTP
import RelayModel
import RelayStore

/// The composition root: the one place that builds stores, clients and pollers, for the CLI, `demo` and tests.
public struct RelayApp: Sendable {
    public let store: any RelayStore
    /// Wall-clock time in epoch milliseconds (tests pass their own).
    public let clock: @Sendable () -> Int64
    public let retry: RetryPolicy
    /// The operator's delivery limits.
    public let delivery: DeliverySettings
    public let http: HTTPExchange
    let sleep: @Sendable (Duration) async throws -> Void
    public let logger: Logger
    public let metrics: RelayMetrics
    /// The one delivery engine of this process (with its credential caches), over this relay's store, HTTP client,
    /// delivery settings and clock.
    public let deliveryEngine: DeliveryEngine
    /// The polls running in this process: never two of one connector.
    public let polls = PollCoordinator()
    /// The longest a poll may run; past it the poll stops and its window is the next poll's.
    public var maxPollSeconds: Int64 = 900

    public init(
        store: any RelayStore, clock: @escaping @Sendable () -> Int64 = RelayApp.wallClock, retry: RetryPolicy = RetryPolicy(),
        delivery: DeliverySettings = DeliverySettings(),
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
        outbound: OutboundPolicy = .standard,
        logger: Logger = Logger(label: "prisma-relay"), metrics: RelayMetrics = RelayMetrics()
    ) {
        self.metrics = metrics
        self.store = store
        self.clock = clock
        self.retry = retry
        self.delivery = delivery
        self.http = HTTPExchange(policy: outbound)
        self.sleep = sleep
        self.logger = logger
        let environment = ProcessInfo.processInfo.environment
        // Hosted services' fixed endpoints can be redirected, for proxies and for tests against local receivers.
        let endpoints = DeliveryEngine.Endpoints(
            pagerDuty: environment["PRISMA_RELAY_PAGERDUTY_URL"] ?? PagerDutyDestination.defaultEndpoint,
            slack: environment["PRISMA_RELAY_SLACK_URL"],
            googleSCC: environment["PRISMA_RELAY_GOOGLE_SCC_URL"] ?? SCCDestination.defaultBase)
        self.deliveryEngine = DeliveryEngine(
            store: store, http: http, settings: delivery, clock: clock, logger: logger, endpoints: endpoints,
            observer: .init(
                outcome: { [metrics] in metrics.delivery(integration: $0, outcome: $1) },
                queueDepth: { [metrics] in metrics.queueDepth(integration: $0, depth: $1) }))
    }

    /// The relay on its embedded SQLite store at `databasePath`.
    public static func open(
        databasePath: String, delivery: DeliverySettings = DeliverySettings(), outbound: OutboundPolicy = .standard,
        logger: Logger = Logger(label: "prisma-relay")
    ) throws -> RelayApp {
        RelayApp(store: try SQLiteStore(path: databasePath), delivery: delivery, outbound: outbound, logger: logger)
    }

    /// Epoch milliseconds now.
    public static let wallClock: @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) }

    /// Integrations: add, change, list, test and remove.
    public var integrations: IntegrationService { IntegrationService(store: store, clock: clock, engine: deliveryEngine) }

    /// Validates and stores a new connector; returns warnings worth showing (e.g. an undocumented host).
    @discardableResult
    public func addConnector(_ config: ConnectorConfig) async throws -> [String] {
        let valid = try config.validated()
        try await store.addConnector(valid)
        return valid.warnings
    }

    /// Validates and replaces a connector's configuration.
    @discardableResult
    public func updateConnector(_ config: ConnectorConfig) async throws -> [String] {
        let valid = try config.validated()
        try await store.updateConnector(valid)
        return valid.warnings
    }

    /// The stored connector named `name`, or `StoreError.unknownConnector`.
    public func connector(named name: String) async throws -> ConnectorConfig {
        guard let config = try await store.connector(named: name) else { throw StoreError.unknownConnector(name) }
        return config
    }

    /// The source of a connector's findings; `retry` defaults to the relay's policy.
    public func source(
        for config: ConnectorConfig, retry: RetryPolicy? = nil,
        willWait: @escaping @Sendable (String, Duration) async throws -> Void = { _, _ in }
    ) -> any FindingSource {
        let environment = ClientEnvironment(
            http: http, retry: retry ?? self.retry, sleep: sleep, logger: logger,
            observeStatus: { [metrics] status in metrics.prismaAnswered(connector: config.name, status: status) }, willWait: willWait)
        switch config.type {
        case .cspm:
            let client = CSPMClient(
                credentials: .init(apiURL: config.apiURL, accessKeyID: config.accessKeyID, secretKey: config.secretKey),
                environment: environment)
            return CSPMSource(config: config, client: client) { ComputeClient(credentials: $0, environment: environment) }
        case .compute:
            return ComputeSource(
                config: config,
                client: ComputeClient(
                    credentials: .init(consoleURL: config.apiURL, username: config.accessKeyID, password: config.secretKey),
                    environment: environment))
        }
    }

    /// The poller of a connector.
    /// While it waits to retry, the poll says so in the connector's status; a wait that would carry it past its
    /// bound ends it instead, leaving its window to the next poll.
    public func poller(for config: ConnectorConfig) -> Poller {
        let deadline = clock() + maxPollSeconds * 1000
        let source = source(for: config) { [store, clock, maxPollSeconds] reason, wait in
            let until = clock() + wait.wholeMilliseconds
            guard until <= deadline else { throw PollBoundReached(minutes: Int(maxPollSeconds / 60), last: reason) }
            try await store.noteWaiting(
                connector: config.name, "\(reason), retrying until \(Timestamp.clockTime(epochMilliseconds: until))")
        }
        return Poller(config: config, source: source, store: store, clock: clock, deadline: deadline, logger: logger, metrics: metrics)
    }

    /// Polls the connector named `name` once; while it is being polled already, the running poll's report.
    public func poll(_ name: String) async throws -> PollReport {
        let config = try await connector(named: name)
        return await polls.poll(name) { await poller(for: config).poll() }
    }

    /// Tests a stored connector.
    public func test(_ name: String) async throws -> ConnectionTestResult {
        await test(config: try await connector(named: name))
    }

    /// Tests a configuration, stored or not, with a short retry budget so the answer comes quickly.
    public func test(config: ConnectorConfig) async -> ConnectionTestResult {
        let quick = RetryPolicy(maxAttempts: 3, maxRateLimitedAttempts: 3, baseDelay: .milliseconds(200), maxDelay: .seconds(2))
        return await ConnectionTest.run(source: source(for: config, retry: quick), now: clock())
    }
}
