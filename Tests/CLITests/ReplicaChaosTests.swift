import Foundation
import HTTPServing
import PrismaSim
import RelayModel
import RelayStore
import TestSupport
import Testing

/// Three `serve` replicas on one PostgreSQL database while a random one is SIGKILLed and restarted every few seconds.
@Suite("Replica chaos on PostgreSQL")
struct ReplicaChaosTests {
    static let tenants = 4
    static let alertsPerTenant = 5_000
    static let kills = 30

    /// What reached the webhook, as `connector/alert id/status`, one entry per copy received.
    static func delivered(_ receiver: WebhookReceiver) async -> [String] {
        await receiver.received.compactMap { received in
            let event = received.body
            guard let connector = event["connector"]?.stringValue, let alert = event["native_id"]?.stringValue,
                let status = event["status"]?.stringValue
            else { return nil }
            return "\(connector)/\(alert)/\(status)"
        }
    }

    /// Deliveries still queued for the integrations `ids`.
    static func queued(_ ids: [String], in store: PostgresStore) async throws -> Int {
        var queued = 0
        for id in ids { queued += try await store.integrationHealth(id: id).queueDepth }
        return queued
    }

    /// Why versions did not reach the webhook: each integration's status, where the missing versions' deliveries stand,
    /// and what the replicas warned about, each distinct line once with how often.
    static func diagnosis(
        expected: Set<String>, delivered: [String], ids: [String], store: PostgresStore, logs: [BackgroundCLI]
    ) async throws -> String {
        let missing = expected.subtracting(delivered)
        var lines = ["replica chaos did not finish: \(missing.count) versions not at the webhook"]
        for id in ids { lines.append("integration \(id): \(try await store.integrationHealth(id: id))") }
        let events = try await store.events(EventQuery(limit: 100_000)).filter {
            missing.contains("\($0.connector)/\($0.nativeID)/\($0.status)")
        }
        var states: [String: Int] = [:]
        for (_, deliveries) in try await store.deliveries(eventIDs: events.map(\.id)) {
            for delivery in deliveries {
                states[
                    "\(delivery.integrationID) \(delivery.state) after \(delivery.attempts): \(delivery.lastError ?? "-")", default: 0] += 1
            }
        }
        lines += states.sorted { $0.key < $1.key }.map { "  \($0.value) × \($0.key)" }
        var logged: [String: Int] = [:]
        for replica in logs {
            // The text after the level, without the timestamp that makes every line distinct.
            for line in replica.printed where line.contains(" warning ") || line.contains(" error ") {
                logged[String(line.drop { $0 != " " }), default: 0] += 1
            }
        }
        lines += logged.sorted { $0.value > $1.value }.prefix(40).map { "  logged \($0.value) ×\($0.key)" }
        return lines.joined(separator: "\n")
    }

    @Test(
        "three replicas, one SIGKILLed and restarted every few seconds while 20,000 alerts arrive and some resolve: every version stored once, every event delivered (under 1% twice), one PagerDuty incident per alert resolved after its trigger, no connector polled by two replicas at once"
    )
    func killedAndRestarted() async throws {
        let cli = try CLI(database: try await TestPostgres.freshDatabaseURL())
        let key = ["PRISMA_RELAY_MASTER_KEY": TestPostgres.masterKeyBase64]
        let hookReceiver = WebhookReceiver(token: "chaos-hook-token")
        let hook = try await hookReceiver.serve()
        let pdKey = "fedcba9876543210fedcba9876543210"
        let pager = PagerDutyReceiver(routingKey: pdKey)
        let pd = try await pager.serve()
        // Four tenants, each a connector with its own access key; their alerts open over the first minute.
        var simulators: [String: PrismaSimulator] = [:]
        var servers: [HTTPServerHandle] = []
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        for index in 0..<Self.tenants {
            let simulator = PrismaSimulator(configuration: .init(seed: UInt64(41 + index), rateLimitPerSecond: nil))
            await simulator.addAlerts(Self.alertsPerTenant, start: now - 20_000, spread: 60_000, closedShare: 0)
            let server = try await simulator.serve()
            servers.append(server)
            let name = "tenant-\(index)"
            simulators[name] = simulator
            let added = try await cli.run(
                [
                    "connector", "add", "--name", name, "--url", server.url, "--key-id", simulator.user.accessKeyID, "--interval", "10",
                    "--page-size", "500", "--status", "open", "--status", "resolved",
                ],
                environment: key.merging(["PRISMA_RELAY_SECRET": simulator.user.secretKey]) { $1 })
            #expect(added.status == 0, "\(added.stderr)")
        }
        defer {
            Task { [servers] in
                for server in servers { await server.stop() }
                await hook.stop()
                await pd.stop()
            }
        }
        var ids: [String] = []
        for (name, type, config) in [
            // One event per request, as Prisma's webhook sends by default.
            ("hook", "webhook", #"{"url":"\#(hook.url)/hook","authToken":"chaos-hook-token"}"#),
            ("pd", "pager_duty", #"{"integrationKey":"\#(pdKey)"}"#),
        ] {
            let file = cli.directory.appendingPathComponent("\(name).json")
            try Data(config.utf8).write(to: file)
            let added = try await cli.run(
                ["integration", "add", "--name", name, "--type", type, "--config-file", file.path], environment: key)
            ids.append(try #require(added.stdout.split(separator: " ").last?.trimmingCharacters(in: .whitespacesAndNewlines)))
        }
        let rule = try await cli.run(
            [
                "rule", "add", "--name", "all", "--integration", ids[0], "--integration", ids[1], "--notify-on", "open", "--notify-on",
                "resolved",
            ],
            environment: key)
        #expect(rule.status == 0, "\(rule.stderr)")

        // Short leases, so the connectors and deliveries of a killed replica come back within seconds.
        let environment = key.merging([
            "PRISMA_RELAY_PAGERDUTY_URL": pd.url + "/v2/enqueue", "PRISMA_RELAY_DELIVERY_CLAIM_LEASE": "5s",
            "PRISMA_RELAY_CONNECTOR_LEASE": "8s",
        ]) { $1 }
        var replicas = try (0..<3).map { _ in try BackgroundCLI(["serve", "--port", "0"], in: cli, environment: environment) }
        // Every replica started, killed ones included: what they logged explains a failure.
        var started = replicas
        var random = SimRandom(seed: 13)
        var resolved = Set<String>()
        for _ in 0..<Self.kills {
            try await Task.sleep(for: .milliseconds(Int(random.int(in: 1_500...3_500))))
            // Resolve some alerts whose opening has reached the webhook, so each has a trigger to follow.
            let open = Set(await Self.delivered(hookReceiver).filter { $0.hasSuffix("/open") }.map { String($0.dropLast(5)) })
            for alert in open.subtracting(resolved).sorted().prefix(40) {
                let parts = alert.split(separator: "/")
                #expect(await simulators[String(parts[0])]?.transition(alert: String(parts[1]), to: "resolved") == true)
                resolved.insert(alert)
            }
            let victim = Int(random.int(in: 0...2))
            await replicas[victim].kill()
            replicas[victim] = try BackgroundCLI(["serve", "--port", "0"], in: cli, environment: environment)
            started.append(replicas[victim])
        }

        // Then all run to the end.
        var opened = Set<String>()
        for (name, simulator) in simulators {
            for id in await simulator.alertIDs { opened.insert("\(name)/\(id)") }
        }
        let expected = Set(opened.map { $0 + "/open" }).union(resolved.map { $0 + "/resolved" })
        let store = try await TestPostgres.open(try PostgresSettings.parse(cli.database))
        defer { store.close() }
        // Done when everything arrived and the relay knows it (what a killed replica sent unrecorded goes again).
        let (drained, done) = try await drain {
            let delivered = await Self.delivered(hookReceiver)
            let log = await pager.log
            let pages = await pager.opened.count
            let queued = try await Self.queued(ids, in: store)
            let pdDone = log.filter { $0.hasPrefix("resolve ") }.count >= resolved.count && pages >= opened.count
            return (Set(delivered).isSuperset(of: expected) && pdDone && queued == 0, [delivered.count, log.count, queued])
        }
        if !done {
            print(
                try await Self.diagnosis(expected: expected, delivered: Self.delivered(hookReceiver), ids: ids, store: store, logs: started)
            )
        }
        for replica in replicas { #expect(await replica.terminate() == 0) }

        // Every alert version stored exactly once.
        let stored = try await store.events(EventQuery(limit: 100_000)).map { "\($0.connector)/\($0.nativeID)/\($0.status)" }
        #expect(stored.count == expected.count, "\(stored.count) stored, \(expected.count) versions")
        #expect(
            Set(stored) == expected, "missing \(expected.subtracting(stored).count), unexpected \(Set(stored).subtracting(expected).count)")
        #expect(try await Self.queued(ids, in: store) == 0)
        #expect(try await store.deadLetters(integrationID: nil).isEmpty)

        // Every routed event reached the webhook at least once; duplicates (a replica killed between sending and
        // recording) counted and under 1%.
        let delivered = await Self.delivered(hookReceiver)
        let duplicates = delivered.count - Set(delivered).count
        print(
            "replica chaos: \(Self.kills) kills, \(expected.count) versions, \(resolved.count) resolved, \(duplicates) webhook duplicates, "
                + "drained \(drained) s after the last kill")
        #expect(Set(delivered) == expected, "missing \(expected.subtracting(delivered).count)")
        #expect(duplicates * 100 < expected.count, "\(duplicates) duplicates of \(expected.count)")

        // One PagerDuty incident per alert, and each resolve after its trigger.
        let incidents = await pager.incidents
        let openedIncidents = await pager.opened
        #expect(Set(openedIncidents.keys) == opened, "no incident for \(opened.subtracting(openedIncidents.keys).count) alerts")
        #expect(openedIncidents.values.allSatisfy { $0 == 1 }, "\(openedIncidents.filter { $0.value > 1 }.count) alerts paged twice")
        #expect(Set(incidents.filter { $0.value.status == "resolved" }.keys) == resolved)
        var triggered = Set<String>()
        for entry in await pager.log {
            let parts = entry.split(separator: " ", maxSplits: 1).map(String.init)
            if parts[0] == "trigger" { triggered.insert(parts[1]) }
            #expect(parts[0] != "resolve" || triggered.contains(parts[1]), "resolve of \(parts[1]) before its trigger")
        }

        // No connector was polled by two replicas at once: no two sessions of one access key overlap in time.
        for (name, simulator) in simulators {
            let overlaps = await simulator.overlappingSessions
            #expect(overlaps.isEmpty, "\(name): \(overlaps.count) overlapping sessions, first \(String(describing: overlaps.first))")
            let polls = await simulator.sessions.count
            #expect(polls >= 3, "\(name) was polled \(polls) times")
        }
    }
}
