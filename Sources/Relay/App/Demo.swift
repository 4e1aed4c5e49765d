import Foundation
import Logging
import PrismaSim
import RelayModel
import RelayStore

/// `prisma-relay demo`: the whole ingest path with no setup — a simulated tenant, an embedded store and a CSPM
/// connector polling it.
public struct Demo: Sendable {
    public var dataDirectory: String
    public var alerts: Int
    public var once: Bool
    /// Seconds between polls when not `once`.
    public var intervalSeconds: Int
    public var seed: UInt64

    public init(dataDirectory: String, alerts: Int, once: Bool, intervalSeconds: Int = 15, seed: UInt64 = 42) {
        self.dataDirectory = dataDirectory
        self.alerts = alerts
        self.once = once
        self.intervalSeconds = intervalSeconds
        self.seed = seed
    }

    /// Runs the demo, writing progress and the summary with `say`.
    public func run(say: @escaping @Sendable (String) -> Void) async throws {
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        let database = (dataDirectory as NSString).appendingPathComponent("prisma-relay.sqlite")
        let simulator = PrismaSimulator(configuration: .init(seed: seed))
        await simulator.addRecentAlerts(alerts)
        let server = try await simulator.serve()
        defer { Task { await server.stop() } }
        say("Simulated Prisma Cloud tenant at \(server.url) with \(alerts) alerts over the last 24 hours")

        let app = try RelayApp.open(databasePath: database, logger: .init(label: "prisma-relay.demo", factory: { _ in SwiftLogNoOpLogHandler() }))
        let config = ConnectorConfig(
            name: "demo", apiURL: server.url, accessKeyID: simulator.user.accessKeyID,
            secretKey: Secret(simulator.user.secretKey), intervalSeconds: max(10, intervalSeconds), pageSize: 500)
        if try await app.store.connector(named: config.name) == nil {
            try await app.addConnector(config)
        } else {
            try await app.updateConnector(config)
        }

        var round = 1
        while true {
            let report = try await app.poll(config.name)
            let state = try await app.store.state(of: config.name)
            if let error = report.error {
                say("poll \(round): failed: \(error)")
            } else {
                say("poll \(round): \(report.pages) pages, \(report.fetched) alerts fetched, \(report.added) new events, \(state.totalEvents) stored; status \(state.status.rawValue)")
            }
            if once { break }
            try await Task.sleep(for: .seconds(intervalSeconds))
            // New alerts keep arriving and some are resolved, as in a live tenant.
            await simulator.addAlerts(max(1, alerts / 50), start: app.clock() - Int64(intervalSeconds) * 1000, spread: Int64(intervalSeconds) * 1000)
            await simulator.transition(max(1, alerts / 100), to: "resolved")
            round += 1
        }
        let summary = try await app.store.eventSummary(connector: nil)
        say(Self.describe(summary, database: database))
    }

    static func describe(_ summary: EventSummary, database: String) -> String {
        let severities = Severity.allCases.reversed().map { "\($0.rawValue) \(summary.bySeverity[$0] ?? 0)" }
        let modules = Module.allCases.map { "\($0.rawValue) \(summary.byModule[$0] ?? 0)" }
        return """
            \(summary.total) events stored
              by severity: \(severities.joined(separator: ", "))
              by module:   \(modules.joined(separator: ", "))
            Data: \(database) (secrets encrypted with \(database).key)
            Next: prisma-relay events list --database \(database) --limit 5
            """
    }
}
