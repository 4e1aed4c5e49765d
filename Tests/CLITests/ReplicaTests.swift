import AsyncHTTPClient
import Foundation
import HTTPServing
import NIOCore
import NIOHTTP1
import PrismaSim
import RelayModel
import TestSupport
import Testing

/// Several `serve` processes on one PostgreSQL database (the one `scripts/test` starts).
@Suite("Replicas on PostgreSQL")
struct ReplicaTests {
    static var environment: [String: String] { ["PRISMA_RELAY_MASTER_KEY": TestPostgres.masterKeyBase64] }

    @Test("db migrate brings a new database to the current schema once; serve --no-migrate refuses one that is behind")
    func migrateCommand() async throws {
        let cli = try CLI(database: try await TestPostgres.freshDatabaseURL())
        let refused = try await cli.run(["serve", "--no-migrate", "--port", "0"], environment: Self.environment)
        #expect(refused.status == 1)
        #expect(
            refused.stderr.contains("is at schema version 0, and this build needs 10: run prisma-relay db migrate"), "\(refused.stderr)")
        let first = try await cli.run(["db", "migrate"], environment: Self.environment)
        #expect(
            first.stdout.contains("applied 1-connectors-events-integrations-outbox, 2-replicas, 3-send-slots-and-request-budgets"),
            "\(first.stdout)\(first.stderr)")
        #expect(!first.stdout.contains(try #require(URLComponents(string: cli.database)?.password)))
        let second = try await cli.run(["db", "migrate"], environment: Self.environment)
        #expect(second.stdout.contains("is current; nothing to migrate"), "\(second.stdout)")
        let noKey = try await cli.run(["connector", "list"], environment: ["PRISMA_RELAY_MASTER_KEY": ""])
        #expect(noKey.status == 1)
        #expect(noKey.stderr.contains("PRISMA_RELAY_MASTER_KEY"), "\(noKey.stderr)")
    }

    @Test("two replicas share the work: every alert reaches the webhook, and when one is killed the other carries on")
    func twoReplicas() async throws {
        let cli = try CLI(database: try await TestPostgres.freshDatabaseURL())
        let simulator = PrismaSimulator(configuration: .init(rateLimitPerSecond: nil))
        var open = Set<String>()
        for id in await simulator.addRecentAlerts(120) where await simulator.alert(id)?["status"]?.stringValue == "open" { open.insert(id) }
        let sim = try await simulator.serve()
        let receiver = WebhookReceiver(token: "replica-hook-token")
        let hook = try await receiver.serve()
        defer {
            Task {
                await sim.stop()
                await hook.stop()
            }
        }
        var env = Self.environment
        env["PRISMA_RELAY_SECRET"] = simulator.user.secretKey
        for name in ["cspm-a", "cspm-b"] {
            let added = try await cli.run(
                ["connector", "add", "--name", name, "--url", sim.url, "--key-id", simulator.user.accessKeyID, "--interval", "10"],
                environment: env)
            #expect(added.status == 0, "\(added.stderr)")
        }
        let file = cli.directory.appendingPathComponent("hook.json")
        try Data(#"{"url":"\#(hook.url)/hook","authToken":"replica-hook-token"}"#.utf8).write(to: file)
        let added = try await cli.run(
            ["integration", "add", "--name", "hook", "--type", "webhook", "--config-file", file.path], environment: Self.environment)
        let id = try #require(added.stdout.split(separator: " ").last?.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(try await cli.run(["rule", "add", "--name", "all", "--integration", id], environment: Self.environment).status == 0)

        // Claims of a killed replica return to the queue when their lease ends: 15 s here, so the test need not wait 2 min.
        // (With 5 s, a replica starved of CPU by the rest of the suite let live claims lapse, and the other sent them too.)
        var serveEnvironment = Self.environment
        serveEnvironment["PRISMA_RELAY_DELIVERY_CLAIM_LEASE"] = "15"
        let replicas = try (0..<2).map { _ in try BackgroundCLI(["serve", "--port", "0"], in: cli, environment: serveEnvironment) }
        var bases: [String] = []
        for replica in replicas {
            let banner = try await replica.waitFor("PrismaRelay serving on http://127.0.0.1:")
            bases.append(String(banner.split(separator: " ")[3]))
        }
        for base in bases {
            let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: base + "/readyz"), timeout: .seconds(10))
            #expect(response.status.code == 200)
        }
        // Both connectors collect the same tenant: each alert arrives once per connector.
        let wanted = Set(open.flatMap { ["cspm-a/\($0)", "cspm-b/\($0)"] })
        func delivered() async -> [String] {
            await receiver.received.compactMap { event -> String? in
                guard let connector = event.body["connector"]?.stringValue, let alert = event.body["native_id"]?.stringValue else {
                    return nil
                }
                return connector + "/" + alert
            }
        }
        let deadline = Date().addingTimeInterval(90)
        while await Set(delivered()).count < wanted.count / 3, Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
        await replicas[0].kill()
        while await Set(delivered()).count < wanted.count, Date() < deadline { try await Task.sleep(for: .milliseconds(100)) }
        #expect(await replicas[1].terminate() == 0)
        // The one stopped gracefully said goodbye; the killed one fell silent without one.
        let listed = try await cli.run(["replicas", "--json"], environment: Self.environment)
        guard case .array(let seen)? = try? JSONValue.parse(listed.stdout) else {
            Issue.record("replicas --json: \(listed.stdout)\(listed.stderr)")
            return
        }
        #expect(seen.count == 2)
        #expect(seen.filter { $0["state"]?.stringValue == "stopped" }.count == 1, "\(listed.stdout)")
        #expect(seen.allSatisfy { $0["host"]?.stringValue == ProcessInfo.processInfo.hostName })
        let delivered = await delivered()
        #expect(Set(delivered) == wanted, "missing: \(wanted.subtracting(delivered).sorted())")
        // At least once: a replica killed between sending and recording may send a few again, never many.
        #expect(delivered.count - wanted.count <= 20, "\(delivered.count - wanted.count) duplicates")
        for replica in replicas { #expect(!replica.printed.joined().contains("replica-hook-token")) }
    }
}
