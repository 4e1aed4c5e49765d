import AsyncHTTPClient
import Foundation
import HTTPServing
import NIOCore
import NIOHTTP1
import PrismaSim
import RelayModel
import RelayStore
import Synchronization
import TestSupport
import Testing

/// Two `serve` replicas on a PostgreSQL cluster of the test's own (it is stopped and started again mid-run, so it
/// cannot be the one the rest of the suite shares), while alerts arrive and some resolve.
@Suite("Replica and PostgreSQL restarts")
struct ReplicaRestartTests {
    /// A throwaway cluster made by `scripts/start-postgres`, stopped as a crash would stop it and started again.
    struct Cluster {
        let directory: URL
        let url: String

        static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("scripts/start-postgres").path

        static func start() async throws -> Cluster {
            // Not a scratch directory inside another: as root, the script hands it to the postgres user.
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("prisma-relay-pg-" + UUID().uuidString)
            let printed = try await run([directory.path])
            guard let line = printed.split(separator: "\n").first(where: { $0.contains("PRISMA_RELAY_TEST_POSTGRES_URL=") }),
                var parts = URLComponents(string: String(line.split(separator: "'")[1]))
            else { throw Failed(printed: printed) }
            parts.queryItems = [URLQueryItem(name: "sslmode", value: "disable"), URLQueryItem(name: "pool_size", value: "4")]
            return Cluster(directory: directory, url: parts.string ?? "")
        }

        /// Runs `body` on a new cluster, removed after it whether it throws or not.
        static func using(_ body: (Cluster) async throws -> Void) async throws {
            let cluster = try await start()
            do {
                try await body(cluster)
            } catch {
                await cluster.remove()
                throw error
            }
            await cluster.remove()
        }

        func stop() async throws { try await Self.run(["--stop", directory.path]) }
        func restart() async throws { try await Self.run(["--start", directory.path]) }
        func remove() async {
            try? await stop()
            try? FileManager.default.removeItem(at: directory)
        }

        @discardableResult
        static func run(_ arguments: [String]) async throws -> String {
            let result = try await CLI.runProcess(URL(fileURLWithPath: "/bin/bash"), [script] + arguments)
            guard result.status == 0 else { throw Failed(printed: result.stdout + result.stderr) }
            return result.stdout
        }

        struct Failed: Error {
            var printed: String
        }
    }

    /// What reached the webhook, as `alert id/status`, one entry per copy received.
    static func delivered(_ receiver: WebhookReceiver) async -> [String] {
        await receiver.received.compactMap { received in
            guard let alert = received.body["native_id"]?.stringValue, let status = received.body["status"]?.stringValue else { return nil }
            return "\(alert)/\(status)"
        }
    }

    @Test("statements under way when PostgreSQL stops end with an error: none waits forever, so the relay goes on after a restart")
    func statementsEndWhenPostgresStops() async throws {
        try await Cluster.using(statementsEnd(on:))
    }

    func statementsEnd(on cluster: Cluster) async throws {
        let store = try await PostgresStore.open(
            try PostgresSettings.parse(cluster.url), box: try TestPostgres.masterKey, connectionWait: .seconds(3))
        defer { store.close() }
        // Twice as many callers as pooled connections, each one statement after another.
        let callers = 8
        let calls = Calls(callers)
        let running = Task {
            await withTaskGroup(of: Void.self) { group in
                for caller in 0..<callers {
                    group.addTask {
                        while !Task.isCancelled {
                            calls.state.withLock { $0.began[caller] = .now }
                            _ = try? await store.connectedWithTLS()
                            calls.state.withLock {
                                $0.began[caller] = nil
                                $0.finished[caller] += 1
                            }
                            if Task.isCancelled { return }
                        }
                    }
                }
            }
        }
        defer { running.cancel() }
        // Stopped as a crash stops it, at a different moment of the callers' statements each time.
        for pause in [700, 1_100, 1_500] {
            try await Task.sleep(for: .milliseconds(pause))
            try await cluster.stop()
            try await Task.sleep(for: .seconds(2))
            try await cluster.restart()
        }
        let restarted = calls.state.withLock { $0.finished }
        // Longer than any statement may take: the wait for a connection (3 s), the check for why, and the second given
        // to a statement whose connection closed under it.
        try await Task.sleep(for: .seconds(10))
        let (began, finished) = calls.state.withLock { ($0.began, $0.finished) }
        let stuck = began.indices.filter { began[$0].map { $0.duration(to: .now) > .seconds(8) } ?? false }
        #expect(stuck.isEmpty, "callers \(stuck) still wait for a statement begun before PostgreSQL came back")
        #expect(finished.indices.allSatisfy { finished[$0] > restarted[$0] }, "\(restarted) before, \(finished) after")
    }

    /// When each caller's statement under way began (nil: none under way), and how many each finished.
    final class Calls: Sendable {
        let state: Mutex<(began: [ContinuousClock.Instant?], finished: [Int])>
        init(_ callers: Int) { state = Mutex((Array(repeating: nil, count: callers), Array(repeating: 0, count: callers))) }
    }

    @Test(
        "a rolling restart of both replicas, then PostgreSQL stopped and started mid-run: the API answers 503 with the reason meanwhile, and nothing is lost or stored twice"
    )
    func rollingAndDatabaseRestart() async throws {
        try await Cluster.using(restarts(on:))
    }

    func restarts(on cluster: Cluster) async throws {
        let cli = try CLI(database: cluster.url)
        let key = ["PRISMA_RELAY_MASTER_KEY": TestPostgres.masterKeyBase64]
        let simulator = PrismaSimulator(configuration: .init(seed: 7, rateLimitPerSecond: nil))
        await simulator.addAlerts(1_200, start: Int64(Date().timeIntervalSince1970 * 1000) - 10_000, spread: 50_000, closedShare: 0)
        let sim = try await simulator.serve()
        let receiver = WebhookReceiver(token: "restart-hook-token")
        let hook = try await receiver.serve()
        defer {
            Task {
                await sim.stop()
                await hook.stop()
            }
        }
        try #require(try await cli.run(["db", "migrate"], environment: key).status == 0)
        let added = try await cli.run(
            [
                "connector", "add", "--name", "tenant", "--url", sim.url, "--key-id", simulator.user.accessKeyID, "--interval", "10",
                "--page-size", "500", "--status", "open", "--status", "resolved",
            ], environment: key.merging(["PRISMA_RELAY_SECRET": simulator.user.secretKey]) { $1 })
        try #require(added.status == 0, "\(added.stderr)")
        let file = cli.directory.appendingPathComponent("hook.json")
        try Data(#"{"url":"\#(hook.url)/hook","authToken":"restart-hook-token"}"#.utf8).write(to: file)
        let integration = try await cli.run(
            ["integration", "add", "--name", "hook", "--type", "webhook", "--config-file", file.path], environment: key)
        let id = try #require(integration.stdout.split(separator: " ").last?.trimmingCharacters(in: .whitespacesAndNewlines))
        try #require(
            try await cli.run(
                ["rule", "add", "--name", "all", "--integration", id, "--notify-on", "open", "--notify-on", "resolved"], environment: key
            )
            .status == 0)
        let token = try await cli.run(["token", "create", "ops"], environment: key)
        let keyID = try #require(token.stdout.split(separator: "\n").first { $0.hasPrefix("Access key ID: ") }?.dropFirst(15))
        let secret = try #require(token.stdout.split(separator: "\n").first { $0.hasPrefix("Secret key: ") }?.dropFirst(12))

        let environment = key.merging(["PRISMA_RELAY_DELIVERY_CLAIM_LEASE": "5s", "PRISMA_RELAY_CONNECTOR_LEASE": "8s"]) { $1 }
        func start() async throws -> (BackgroundCLI, String) {
            let replica = try BackgroundCLI(["serve", "--port", "0"], in: cli, environment: environment)
            let banner = try await replica.waitFor("PrismaRelay serving on http://127.0.0.1:")
            return (replica, String(banner.split(separator: " ")[3]))
        }
        var replicas = [try await start(), try await start()]
        var resolved = Set<String>()
        func resolveSome(_ count: Int) async {
            let open = Set(await Self.delivered(receiver).filter { $0.hasSuffix("/open") }.map { String($0.dropLast(5)) })
            for alert in open.subtracting(resolved).sorted().prefix(count) where await simulator.transition(alert: alert, to: "resolved") {
                resolved.insert(alert)
            }
        }
        let deadline = Date().addingTimeInterval(240)
        while await receiver.received.count < 200, Date() < deadline { try await Task.sleep(for: .milliseconds(100)) }

        // A rolling restart: each replica in turn stopped gracefully and replaced while the other carries on.
        for index in replicas.indices {
            await resolveSome(30)
            #expect(await replicas[index].0.terminate() == 0)
            replicas[index] = try await start()
            try await Task.sleep(for: .seconds(2))
        }

        // PostgreSQL stops mid-run, as a crash or a failover would stop it.
        await resolveSome(30)
        let seenBefore = await receiver.received.count
        try await cluster.stop()
        await resolveSome(30)
        var request = HTTPClientRequest(url: replicas[0].1 + "/api/v1/connectors")
        request.headers.add(name: "Authorization", value: "Bearer \(keyID):\(secret)")
        let asked = Date()
        let refused = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let body = String(buffer: try await refused.body.collect(upTo: 1 << 20))
        // Answered within the relay's wait for a connection, not after the pool's minute of retries.
        #expect(Date().timeIntervalSince(asked) < 20)
        #expect(refused.status.code == 503, "\(refused.status) \(body)")
        #expect(refused.headers.first(name: "Retry-After") == "10")
        #expect(body.contains("the relay's database cannot be reached"), "\(body)")
        #expect(body.contains("PostgreSQL at 127.0.0.1:"), "\(body)")
        #expect(!body.contains(try #require(URLComponents(string: cluster.url)?.password)))
        let health = try await HTTPClient.shared.execute(HTTPClientRequest(url: replicas[1].1 + "/healthz"), timeout: .seconds(10))
        #expect(health.status.code == 200)
        let ready = try await HTTPClient.shared.execute(HTTPClientRequest(url: replicas[1].1 + "/readyz"), timeout: .seconds(30))
        #expect(ready.status.code == 503)
        try await Task.sleep(for: .seconds(3))
        try await cluster.restart()

        // Everything resumes by itself: every version arrives, and the relay knows it.
        var opened = Set<String>()
        for alert in await simulator.alertIDs { opened.insert(alert + "/open") }
        let expected = opened.union(resolved.map { $0 + "/resolved" })
        let store = try await TestPostgres.open(try PostgresSettings.parse(cluster.url))
        defer { store.close() }
        try await drain {
            let delivered = await Self.delivered(receiver)
            let queued = try await store.integrationHealth(id: id).queueDepth
            return (Set(delivered).isSuperset(of: expected) && queued == 0, [delivered.count, queued])
        }
        #expect(await receiver.received.count > seenBefore, "nothing was delivered after PostgreSQL came back")
        for replica in replicas {
            let status = await replica.0.terminate()
            #expect(status == 0, "exit \(status); last lines: \(replica.0.printed.suffix(15))")
        }

        let stored = try await store.events(EventQuery(limit: 100_000)).map { "\($0.nativeID)/\($0.status)" }
        #expect(stored.count == expected.count, "\(stored.count) stored, \(expected.count) versions")
        #expect(Set(stored) == expected, "missing \(expected.subtracting(stored).count)")
        #expect(try await store.deadLetters(integrationID: nil).isEmpty)
        let delivered = await Self.delivered(receiver)
        let duplicates = delivered.count - Set(delivered).count
        print("replica restarts: \(expected.count) versions, \(resolved.count) resolved, \(duplicates) webhook duplicates")
        #expect(Set(delivered) == expected, "missing \(expected.subtracting(delivered).count)")
        #expect(duplicates * 100 < expected.count, "\(duplicates) duplicates of \(expected.count)")
        // The outage was said once per replica and loop, and so was its end.
        let printed = replicas.flatMap { $0.0.printed }.joined(separator: "\n")
        #expect(printed.contains("delivery rounds succeed again"), "\(printed.suffix(3000))")
    }
}
