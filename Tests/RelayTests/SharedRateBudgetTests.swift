import Foundation
import HTTPServing
import Logging
import PrismaSim
import Relay
import RelayModel
import RelayStore
import TestSupport
import Testing

@Suite("Prisma's request rate shared by replicas")
struct SharedRateBudgetTests {
    /// Two replicas (two apps, each with its own connection pool, on one PostgreSQL database) each polling a
    /// connector of the same tenant with the same access key, at once, against a simulator that enforces Prisma's
    /// documented alert-list limit (2 requests a second, bursts of 10, per user). Returns the 429s it answered.
    static func pollTogether(sharingTheRate: Bool) async throws -> (rateLimited: Int, stored: Int) {
        let simulator = PrismaSimulator(configuration: .init(seed: 5, rateLimitPerSecond: 2, rateLimitBurst: 10))
        await simulator.addRecentAlerts(240, hours: 2)
        let server = try await simulator.serve()
        defer { Task { await server.stop() } }
        let url = try await TestPostgres.freshDatabaseURL()
        var apps: [RelayApp] = []
        for _ in 0..<2 {
            let store = try await TestPostgres.open(try PostgresSettings.parse(url))
            var app = RelayApp(
                store: store,
                retry: RetryPolicy(maxAttempts: 8, maxRateLimitedAttempts: 20, baseDelay: .milliseconds(250), maxDelay: .seconds(2)),
                outbound: .allowingLoopback, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
            app.sharesPrismaRate = sharingTheRate
            apps.append(app)
        }
        for name in ["replica-a-connector", "replica-b-connector"] {
            try await apps[0].connectors.add(
                try ConnectorConfig(
                    name: name, apiURL: server.url, accessKeyID: simulator.user.accessKeyID, secretKey: Secret(simulator.user.secretKey),
                    statuses: ["all"], pageSize: 20
                ).validated())
        }
        // Twelve pages each, asked for at once: 24 requests where Prisma allows a burst of 10.
        let reports = try await withThrowingTaskGroup(of: PollReport.self) { group in
            group.addTask { [apps] in try await apps[0].connectors.poll("replica-a-connector") }
            group.addTask { [apps] in try await apps[1].connectors.poll("replica-b-connector") }
            var all: [PollReport] = []
            for try await report in group { all.append(report) }
            return all
        }
        for report in reports { #expect(report.error == nil, "\(report.error ?? "")") }
        let stored = try await apps[0].store.events(EventQuery(limit: 10_000)).count
        return (await simulator.counters["status.429", default: 0], stored)
    }

    @Test("replicas polling with one access key keep together to Prisma's rate: the tenant never answers 429")
    func replicasShareTheBudget() async throws {
        let shared = try await Self.pollTogether(sharingTheRate: true)
        #expect(shared.rateLimited == 0, "\(shared.rateLimited) requests refused with 429")
        #expect(shared.stored == 480)
        // Each on its own, the two overrun the tenant's limit: the test can tell the difference.
        let apart = try await Self.pollTogether(sharingTheRate: false)
        #expect(apart.rateLimited > 0)
        #expect(apart.stored == 480)
    }
}
