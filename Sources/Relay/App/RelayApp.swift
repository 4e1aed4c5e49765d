import Crypto
import Delivery
import Foundation
import Logging
import PrismaAPI
import RelayHTTP
import RelayModel
import RelayStore
import ServiceLifecycle

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
    /// Who this process is when it leases connectors and claims deliveries in the store.
    public let workerID = "relay-" + UUID().uuidString.lowercased()
    /// The polls running in this process: never two of one connector.
    public let polls = PollCoordinator()
    /// Which of `backgroundServices` are running, for a stop that has to be forced.
    public let services = RunningServices()
    /// The longest a poll may run; past it the poll stops and its window is the next poll's.
    public var maxPollSeconds: Int64 = 900
    /// The configuration file `serve --config` applied at start, applied again on each SIGHUP.
    public var configurationFile: String?
    /// The settings it started with (`settings:`, as environment variables): a SIGHUP cannot change them.
    public var configurationSettings: [String: String] = [:]
    /// How long a connector's lease lasts unless its poll renews it.
    public var connectorLeaseSeconds: Int64 = Poller.leaseSeconds
    /// Whether calls to Prisma keep to its documented request rate per access key, in a budget kept in the store so
    /// that every process (replica) polling with one key shares it. Off only for benchmarks against a simulator
    /// without a rate limit.
    public var sharesPrismaRate = true

    public init(
        store: any RelayStore, clock: @escaping @Sendable () -> Int64 = RelayApp.wallClock, retry: RetryPolicy = RetryPolicy(),
        delivery: DeliverySettings = DeliverySettings(),
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
        outbound: OutboundPolicy = .standard, network: NetworkSettings = .none, destinations: DestinationRegistry = .standard,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        logger: Logger = Logger(label: "prisma-relay"), metrics: RelayMetrics = RelayMetrics()
    ) {
        let metrics = metrics.labelled(replica: workerID)
        self.metrics = metrics
        self.store = store
        self.clock = clock
        self.retry = retry
        self.delivery = delivery
        self.http = HTTPExchange(policy: outbound, network: network)
        self.sleep = sleep
        self.logger = logger
        self.deliveryEngine = DeliveryEngine(
            store: store, http: http, settings: delivery, clock: clock, logger: logger, registry: destinations,
            observer: .init(outcome: { [metrics] in metrics.delivery(integration: $0, outcome: $1) }),
            environment: environment, workerID: workerID)
    }

    /// The relay on the store at `database` (`StoreLocation`: a file path is the embedded SQLite store, a
    /// `postgres://` URL the database replicas share). With `migrate: false` a database that is behind is refused,
    /// unless `checked` is false too (`db migrate`). Destinations read their redirects and credential chains from
    /// `environment`.
    public static func open(
        database: String, migrate: Bool = true, checked: Bool = true, delivery: DeliverySettings = DeliverySettings(),
        outbound: OutboundPolicy = .standard, network: NetworkSettings = .none,
        environment: [String: String] = ProcessInfo.processInfo.environment, logger: Logger = Logger(label: "prisma-relay"),
        metrics: RelayMetrics = RelayMetrics()
    ) async throws -> RelayApp {
        RelayApp(
            store: try await StoreLocation.open(database, migrate: migrate, checked: checked), delivery: delivery, outbound: outbound,
            network: network, environment: environment, logger: logger, metrics: metrics)
    }

    /// The names of the integration types this build knows (for help texts).
    public static var integrationTypeNames: [String] { DestinationRegistry.standard.types.map(\.rawValue) }

    /// Where the store is, as safe to show.
    public var storeLocation: String { store.location }

    /// The key the relay API's tokens are signed with: derived from the store's master key, so it survives
    /// restarts and is the same in every process sharing the store.
    public var apiSigningKey: SymmetricKey { store.derivedKey(purpose: "api-jwt") }

    /// Applies the schema migrations the database lacks; returns the ones applied now.
    public func migrate() async throws -> [String] { try await store.migrate() }

    /// Throws, saying why, unless the store answers and its schema is current (`/readyz`).
    public func readiness() async throws { try await store.readiness() }

    /// Re-seals every stored secret under a new master key; returns how many. Open the relay again afterwards.
    public func rotateMasterKey() async throws -> Int {
        try await store.rotateMasterKey()
    }

    /// Sets the queue depth gauge of every integration: counted when the metrics are read, not on every delivery
    /// round, since counting passes over the whole queue. A store that does not answer leaves the last figures.
    public func measureQueues() async {
        guard let integrations = try? await store.integrations() else { return }
        for integration in integrations {
            guard let health = try? await store.integrationHealth(id: integration.id) else { return }
            metrics.queueDepth(integration: integration.name, depth: health.queueDepth)
        }
    }

    /// Epoch milliseconds now.
    public static let wallClock: @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) }

    /// What `serve` runs beside its HTTP server: the replica's heartbeat, the poll scheduler, the delivery engine's
    /// rounds, the silence watch and two-way sync, each given the operator's shutdown grace. Services stop in reverse order, so the heartbeat's
    /// goodbye comes last.
    public var backgroundServices: [any Service] {
        let grace = Duration.seconds(delivery.shutdownGraceSeconds)
        let named: [(String, any Service)] =
            [
                ("heartbeat", ReplicaHeartbeat(app: self)), ("poll scheduler", PollScheduler(app: self, grace: grace)),
                ("delivery", DeliveryService(engine: deliveryEngine, store: store, grace: grace)),
                // Silence is an alert: each connector gone silent raises a health event (resolved when it collects
                // again), each integration with a heartbeat gets one when its interval comes; committed like a poll's
                // events.
                (
                    "health check",
                    EveryMinute(app: self, what: "health check") { app in
                        try await app.checkSilence()
                        try await app.sendHeartbeats()
                    }
                ),
                // Two-way sync with the destinations read back: their closed records dismiss their alerts.
                ("two-way sync", EveryMinute(app: self, what: "two-way sync") { try await $0.actions.syncClosures() }),
            ] + (configurationFile.map { [("configuration reload", ConfigurationReloader(app: self, path: $0))] } ?? [])
        return named.map { services.tracking($0.1, as: $0.0) }
    }

    /// Connectors: add, change, remove, test, poll and their status.
    public var connectors: ConnectorService { ConnectorService(app: self) }
    /// Integrations: add, change, list, test and remove.
    public var integrations: IntegrationService { IntegrationService(store: store, clock: clock, engine: deliveryEngine) }
    /// Alert rules: add, replace, enable, remove.
    public var rules: RuleService { RuleService(store: store, registry: deliveryEngine.registry, clock: clock) }
    /// Deliveries: each integration's status and its dead letters.
    public var deliveries: DeliveryStatusService { DeliveryStatusService(store: store, clock: clock) }
    /// Stored events: queries, summaries and what became of their deliveries.
    public var events: EventService { EventService(store: store) }
    /// Actions on findings in Prisma Cloud, and the record of those taken.
    public var actions: ActionService { ActionService(app: self) }
    /// Configuration as code: a file's plan, applied in one transaction, and the stored configuration as a file.
    public var configuration: ConfigurationService { ConfigurationService(app: self) }
    /// The console's sessions.
    public var consoleSessions: ConsoleSessionService { ConsoleSessionService(store: store, clock: clock) }
    /// The relay API's access keys.
    public var apiKeys: APIKeyService { APIKeyService(store: store, clock: clock) }

    /// The source of a connector's findings; `retry` defaults to the relay's policy.
    public func source(
        for config: ConnectorConfig, retry: RetryPolicy? = nil,
        willWait: @escaping @Sendable (String, Duration) async throws -> Void = { _, _ in }
    ) -> any FindingSource {
        let environment = ClientEnvironment(
            http: http.routed(config.route), retry: retry ?? self.retry, sleep: sleep, logger: logger,
            observeStatus: { [metrics] status in metrics.prismaAnswered(connector: config.name, status: status) }, willWait: willWait,
            pace: { [store, clock, sharesPrismaRate] budget in
                guard sharesPrismaRate else { return .zero }
                return .milliseconds(try await store.takeRequestBudget(budget, now: clock()))
            })
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
    /// While it waits to retry, the poll says so in the connector's status and keeps the connector's lease past the
    /// wait (so no other worker takes the connector over meanwhile); a wait that would carry it past its bound ends
    /// it instead, leaving its window to the next poll.
    public func poller(for config: ConnectorConfig) -> Poller {
        let deadline = clock() + maxPollSeconds * 1000
        let source = source(for: config) { [store, clock, maxPollSeconds, workerID, connectorLeaseSeconds] reason, wait in
            let until = clock() + wait.wholeMilliseconds
            guard until <= deadline else { throw PollBoundReached(minutes: Int(maxPollSeconds / 60), last: reason) }
            let lease = try await store.acquireConnectorLease(
                config.name, owner: workerID, now: clock(), until: until + connectorLeaseSeconds * 1000)
            guard lease != nil else { throw StoreError.leaseLost(connector: config.name) }
            try await store.noteWaiting(
                connector: config.name, "\(reason), retrying until \(Timestamp.clockTime(epochMilliseconds: until))")
        }
        return Poller(
            config: config, source: source, store: store, clock: clock, deadline: deadline, logger: logger, metrics: metrics,
            worker: workerID, leaseSeconds: connectorLeaseSeconds)
    }
}
