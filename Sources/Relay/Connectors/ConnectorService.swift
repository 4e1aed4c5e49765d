import RelayModel
import RelayStore

/// Connectors — added, changed, turned on or off, removed, tested and polled here for the API, the console and
/// the CLI; with their status and the findings they could not normalize.
public struct ConnectorService: Sendable {
    let app: RelayApp

    init(app: RelayApp) {
        self.app = app
    }

    var store: any RelayStore { app.store }

    /// Validates and stores a new connector; returns warnings worth showing (e.g. an undocumented host).
    @discardableResult
    public func add(_ config: ConnectorConfig) async throws -> [String] {
        let valid = try config.validated()
        try await store.addConnector(valid)
        return valid.warnings
    }

    /// Validates and replaces a connector's configuration; its cursor and events stay.
    @discardableResult
    public func update(_ config: ConnectorConfig) async throws -> [String] {
        let valid = try config.validated()
        try await store.updateConnector(valid)
        return valid.warnings
    }

    /// Gives the connector `name` a new access key (a key ID and its secret key), as when Prisma Cloud's key expires or
    /// is rotated. The new key is tested first, as `test` does (a login and one read), unless `testing` is false, and
    /// stored only if that test passes: a mistyped key never replaces one that works. Returns the test's result (nil
    /// when not tested); the cursor and the events stay.
    public func replaceKey(_ name: String, keyID: String, secret: Secret, testing: Bool = true) async throws -> ConnectionTestResult? {
        var config = try await get(name)
        config.accessKeyID = keyID
        config.secretKey = secret
        _ = try config.validated()
        let result = testing ? await test(config: config) : nil
        if result?.success != false { try await update(config) }
        return result
    }

    /// Turns a connector's scheduled polls on or off.
    public func setEnabled(_ name: String, _ enabled: Bool) async throws {
        var config = try await get(name)
        config.enabled = enabled
        try await update(config)
    }

    /// Removes a connector and its cursor; the events it collected stay.
    public func remove(_ name: String) async throws {
        try await store.removeConnector(named: name)
    }

    /// The stored connector named `name`, or nil.
    public func find(_ name: String) async throws -> ConnectorConfig? {
        try await store.connector(named: name)
    }

    /// The stored connector named `name` (secret included, for the relay's own use), or `StoreError.unknownConnector`.
    public func get(_ name: String) async throws -> ConnectorConfig {
        guard let config = try await store.connector(named: name) else { throw StoreError.unknownConnector(name) }
        return config
    }

    /// Every connector by name, with its status.
    public func list() async throws -> [(config: ConnectorConfig, state: ConnectorState)] {
        var list: [(ConnectorConfig, ConnectorState)] = []
        for config in try await store.connectors() { list.append((config, try await store.state(of: config.name))) }
        return list
    }

    /// Every connector's name, in order (no status read).
    public func names() async throws -> [String] {
        try await store.connectors().map(\.name)
    }

    /// A connector's status, counts and cursor.
    public func state(of name: String) async throws -> ConnectorState {
        try await store.state(of: name)
    }

    /// Findings of the connector `name` (every connector's when nil) that could not be normalized, newest first.
    public func rejected(_ name: String?) async throws -> [RejectedFinding] {
        if let name { _ = try await get(name) }
        return try await store.rejectedFindings(connector: name)
    }

    /// Polls the connector named `name` once; while it is being polled already, the running poll's report.
    public func poll(_ name: String) async throws -> PollReport {
        let config = try await get(name)
        return await app.polls.poll(name) { await app.poller(for: config).poll() }
    }

    /// Polls now and says what came of it against the poll before (`PollReport.sentence`).
    public func pollNow(_ name: String) async throws -> (report: PollReport, sentence: String) {
        let config = try await get(name)
        let before = try await store.state(of: name).lastPollAt
        let report = try await poll(name)
        let total = try await store.state(of: name).totalEvents
        return (report, report.sentence(connector: name, type: config.type, previousPollAt: before, total: total))
    }

    /// A connector's last polls, newest first: when, how long, pages, findings, new events, and the error.
    public func history(_ name: String, limit: Int = PollRecord.keptAtLeast) async throws -> [PollRecord] {
        _ = try await get(name)
        return try await store.polls(connector: name, limit: limit)
    }

    /// A connector's polls since `since` (epoch ms), counted by hour and outcome.
    public func pollHours(_ name: String, since: Int64) async throws -> [PollHour] {
        try await store.pollHours(connector: name, since: since)
    }

    /// Tests a stored connector.
    public func test(_ name: String) async throws -> ConnectionTestResult {
        await test(config: try await get(name))
    }

    /// Tests a configuration, stored or not, with a short retry budget so the answer comes quickly.
    public func test(config: ConnectorConfig) async -> ConnectionTestResult {
        let quick = RetryPolicy(maxAttempts: 3, maxRateLimitedAttempts: 3, baseDelay: .milliseconds(200), maxDelay: .seconds(2))
        return await ConnectionTest.run(source: app.source(for: config, retry: quick), now: app.clock())
    }
}
