import Foundation
import HTTPServing
import PrismaSim
import RelayModel
import TestSupport
import Testing

/// `db copy`: a relay that ran on SQLite moves to PostgreSQL and carries on where it was.
@Suite("Copying a SQLite database into PostgreSQL")
struct DatabaseCopyTests {
    @Test(
        "db copy moves a relay that ran on SQLite; serve on PostgreSQL carries on from its cursors without re-collecting or re-delivering")
    func copyThenServe() async throws {
        let simulator = PrismaSimulator(configuration: .init(rateLimitPerSecond: nil))
        var collected = 0
        for id in await simulator.addRecentAlerts(40)
        where ["open", "resolved"].contains(await simulator.alert(id)?["status"]?.stringValue) {
            collected += 1
        }
        let sim = try await simulator.serve()
        let receiver = WebhookReceiver(token: "copy-hook-token")
        let hook = try await receiver.serve()
        // A ServiceNow integration that syncs closures: serve takes two-way sync's turn as it starts, and keeps it a
        // minute, which is no reason to refuse a copy once serve has stopped.
        let serviceNow = try await ServiceNowReceiver(login: "prisma", password: "pw").serve()
        defer {
            Task {
                await sim.stop()
                await hook.stop()
                await serviceNow.stop()
            }
        }
        // On SQLite, with the key file beside the database (no PRISMA_RELAY_MASTER_KEY).
        let sqlite = try CLI()
        let added = try await sqlite.run(
            [
                "connector", "add", "--name", "tenant", "--url", sim.url, "--key-id", simulator.user.accessKeyID, "--interval", "10",
                "--status", "open", "--status", "resolved",
            ],
            environment: ["PRISMA_RELAY_SECRET": simulator.user.secretKey])
        #expect(added.status == 0, "\(added.stderr)")
        let file = sqlite.directory.appendingPathComponent("hook.json")
        try Data(#"{"url":"\#(hook.url)/hook","authToken":"copy-hook-token"}"#.utf8).write(to: file)
        let integration = try await sqlite.run(["integration", "add", "--name", "hook", "--type", "webhook", "--config-file", file.path])
        let id = try #require(integration.stdout.split(separator: " ").last?.trimmingCharacters(in: .whitespacesAndNewlines))
        try Data(
            #"{"hostUrl":"\#(serviceNow.url)","login":"prisma","password":"pw","tables":[{"incident":true}],"syncClosed":true}"#.utf8
        ).write(to: file)
        let syncing = try await sqlite.run(["integration", "add", "--name", "snow", "--type", "service_now", "--config-file", file.path])
        #expect(syncing.status == 0, "\(syncing.stderr)")
        #expect(
            try await sqlite.run(["rule", "add", "--name", "all", "--integration", id, "--notify-on", "open", "--notify-on", "resolved"])
                .status == 0)
        let before = try BackgroundCLI(["serve", "--port", "0"], in: sqlite)
        _ = try await before.waitFor("PrismaRelay serving on")
        let deadline = Date().addingTimeInterval(60)
        while await receiver.received.count < collected, Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }

        let target = try await TestPostgres.freshDatabaseURL()
        let key = ["PRISMA_RELAY_MASTER_KEY": TestPostgres.masterKeyBase64]
        let copy = ["db", "copy", "--from", "sqlite:" + sqlite.database, "--to", target]
        let inUse = try await sqlite.run(copy, environment: key)
        #expect(inUse.status == 1)
        #expect(inUse.stderr.contains("nothing was copied: a relay is still running on"), "\(inUse.stderr)")
        #expect(await before.terminate() == 0)
        let sentOnSQLite = await receiver.received.count
        #expect(sentOnSQLite == collected)

        // A source key that does not open its secrets: refused, and nothing lands (the copy below finds the target empty).
        let keyFile = URL(fileURLWithPath: sqlite.database + ".key")
        let rightKey = try Data(contentsOf: keyFile)
        try Data((TestPostgres.masterKeyBase64 + "\n").utf8).write(to: keyFile)
        let wrongKey = try await sqlite.run(copy, environment: key)
        #expect(wrongKey.status == 1)
        #expect(wrongKey.stderr.contains("the secret of connector \"tenant\" does not open with the source's key"), "\(wrongKey.stderr)")
        try rightKey.write(to: keyFile)

        let copied = try await sqlite.run(copy, environment: key)
        #expect(copied.status == 0, "\(copied.stderr)")
        #expect(copied.stdout.contains("event                   \(collected) copied"), "\(copied.stdout)")
        #expect(copied.stdout.contains("outbox                  \(collected) copied"), "\(copied.stdout)")
        #expect(!copied.stdout.contains(try #require(URLComponents(string: target)?.password)))
        let again = try await sqlite.run(copy, environment: key)
        #expect(again.status == 1)
        #expect(
            again.stderr.contains("is not empty (it holds 1 connector, 2 integrations, 1 rule, \(collected) events)"), "\(again.stderr)")
        let merged = try await sqlite.run(copy + ["--merge"], environment: key)
        #expect(merged.stdout.contains("event                   0 copied, \(collected) already there"), "\(merged.stdout)\(merged.stderr)")

        // On PostgreSQL: only what changed since the copy is collected and sent.
        let resolved = Set(await simulator.transition(5, to: "resolved"))
        let postgres = try CLI(database: target)
        let after = try BackgroundCLI(["serve", "--port", "0"], in: postgres, environment: key)
        _ = try await after.waitFor("PrismaRelay serving on")
        while await receiver.received.count < sentOnSQLite + resolved.count, Date() < deadline.addingTimeInterval(60) {
            try await Task.sleep(for: .milliseconds(50))
        }
        let status = try await postgres.run(["connector", "status", "tenant"], environment: key)
        #expect(status.stdout.contains("Total events:     \(collected + resolved.count)"), "\(status.stdout)")
        #expect(await after.terminate() == 0)
        let sentOnPostgres = await receiver.received.dropFirst(sentOnSQLite)
        #expect(sentOnPostgres.count == resolved.count, "re-delivered: \(sentOnPostgres.count - resolved.count)")
        #expect(Set(sentOnPostgres.compactMap { $0.body["native_id"]?.stringValue }) == resolved)
        #expect(sentOnPostgres.allSatisfy { $0.body["status"]?.stringValue == "resolved" })
    }
}
