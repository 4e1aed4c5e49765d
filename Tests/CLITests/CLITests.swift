import AsyncHTTPClient
import Foundation
import HTTPServing
import NIOCore
import NIOHTTP1
import PrismaSim
import RelayModel
import TestSupport
import Testing

@Suite("prisma-relay command line")
struct CLITests {
    @Test(
        "demo --once needs no setup, exits 0, collects alerts, incidents and the audit log, shows an event enriched by Okta and Tenable, and says what it stored and where"
    )
    func demoOnce() async throws {
        let cli = try CLI()
        let result = try await cli.run(["demo", "--once", "--alerts", "300"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("poll 1 demo-cspm:"))
        #expect(result.stdout.contains("alerts and audit records fetched"))
        #expect(result.stdout.contains("poll 1 demo-compute: 1 pages, 30 incidents fetched, 30 new events"))
        #expect(result.stdout.contains("status Active"))
        let deliveries = try #require(result.stdout.split(separator: "\n").first { $0.hasPrefix("deliveries 1:") })
        let numbers = deliveries.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        // "deliveries 1: rule … sent N events …, N arrived in all; 0 waiting"
        #expect(numbers.count >= 4 && numbers[1] > 0 && numbers[1] == numbers[2] && numbers[3] == 0)
        #expect(deliveries.hasSuffix("status GREEN"))
        // The simulated Okta and Tenable know the people and hosts the tenant's alerts name.
        let enriched = try #require(result.stdout.split(separator: "\n").first { $0.hasPrefix("enriched: ") })
        #expect(enriched.contains(" — Okta: ") && enriched.contains("@example.com (ACTIVE, "))
        #expect(enriched.contains("; Tenable: 10.0.1.") && enriched.contains("1 critical, top: OpenSSL advisory"))
        #expect(result.stdout.contains("by severity: high"))
        #expect(result.stdout.contains("by module:   CSPM"))
        let audit = try #require(result.stdout.split(separator: "\n").first { $0.hasPrefix("  audit log:   ") })
        #expect(audit.hasPrefix("  audit log:   30 records; failed log-ins: "), "\(audit)")
        #expect(result.stdout.contains("Data: prisma-relay-demo/prisma-relay.sqlite"))
    }

    @Test("add, test, poll, status and list a connector; the secret never appears in any output")
    func connectorLifecycle() async throws {
        let cli = try CLI()
        let simulator = PrismaSimulator(configuration: .init(rateLimitPerSecond: nil))
        await simulator.addRecentAlerts(250)
        let server = try await simulator.serve()
        defer { Task { await server.stop() } }
        let secret = ["PRISMA_RELAY_SECRET": simulator.user.secretKey]
        var outputs: [CLI.Result] = []

        let add = try await cli.run(
            ["connector", "add", "--name", "sim", "--type", "cspm", "--url", server.url, "--key-id", simulator.user.accessKeyID],
            environment: secret)
        outputs.append(add)
        #expect(add.status == 0)
        #expect(add.stderr.contains("not a documented Prisma Cloud API host"))

        let test = try await cli.run(["connector", "test", "sim"])
        outputs.append(test)
        #expect(test.status == 0)
        #expect(test.stdout.hasPrefix("Connection successful at "))

        let poll = try await cli.run(["connector", "poll", "sim"])
        outputs.append(poll)
        #expect(poll.status == 0)
        #expect(poll.stdout.contains("new events"))

        let status = try await cli.run(["connector", "status", "sim"])
        outputs.append(status)
        #expect(status.stdout.contains("Status:           Active"))
        #expect(status.stdout.contains("Secret key:       ********"))

        let list = try await cli.run(["connector", "list", "--json"])
        outputs.append(list)
        let connectors = try JSONValue.parse(list.stdout)
        #expect(connectors.arrayValue?.first?["status"]?.stringValue == "Active")
        #expect(connectors.arrayValue?.first?["secretKey"]?.stringValue == "********")

        let events = try await cli.run(["events", "list", "--json", "--limit", "5", "--severity", "high"])
        outputs.append(events)
        let array = try #require(try JSONValue.parse(events.stdout).arrayValue)
        #expect(array.count == 5)
        for event in array {
            #expect(event["severity"]?.stringValue == "high")
            #expect(event["native_id"]?.stringValue?.hasPrefix("P-") == true)
            #expect(event["raw_event"]?["id"] == event["native_id"])
            #expect(event["source"]?.stringValue == "prisma_cloud")
        }
        // One event whole, by its id or by its alert's Prisma id; one that names nothing is an error.
        let first = try #require(array.first)
        let byID = try await cli.run(["events", "show", "--json", try #require(first["id"]?.stringValue)])
        outputs.append(byID)
        let shown = try JSONValue.parse(byID.stdout)
        #expect(shown["raw_event"] == first["raw_event"])
        #expect(shown["deliveries"] == .array([]) && shown["actions"] == .array([]))
        let byAlert = try await cli.run(["events", "show", try #require(first["native_id"]?.stringValue)])
        #expect(byAlert.stdout.contains(#""id": "\#(try #require(first["id"]?.stringValue))""#), "its latest event")
        #expect(byAlert.stdout.hasSuffix("\nNo rule routed it to an integration.\n"))
        let missing = try await cli.run(["events", "show", "P-0"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("there is no stored event P-0"))
        for output in outputs {
            #expect(!output.stdout.contains(simulator.user.secretKey))
            #expect(!output.stderr.contains(simulator.user.secretKey))
        }
    }

    @Test("a Compute connector is added with its console path and tested like the CSPM one")
    func computeConnector() async throws {
        let cli = try CLI()
        let simulator = PrismaSimulator(configuration: .init(rateLimitPerSecond: nil))
        await simulator.addRecentIncidents(70)
        let server = try await simulator.serve()
        defer { Task { await server.stop() } }
        let console = server.url + "/" + (simulator.computeTenant ?? "")
        let add = try await cli.run(
            ["connector", "add", "--name", "cwpp", "--type", "compute", "--url", console, "--key-id", simulator.user.accessKeyID],
            environment: ["PRISMA_RELAY_SECRET": simulator.user.secretKey])
        #expect(add.status == 0)
        #expect(add.stderr.isEmpty)
        #expect(try await cli.run(["connector", "test", "cwpp"]).stdout.hasPrefix("Connection successful at "))
        #expect(try await cli.run(["connector", "poll", "cwpp"]).stdout.contains("2 pages, 70 findings fetched, 70 new events"))
        let events = try JSONValue.parse(try await cli.run(["events", "list", "--json", "--connector", "cwpp", "--limit", "100"]).stdout)
        #expect(events.arrayValue?.count == 70)
        #expect(events.arrayValue?.allSatisfy { $0["kind"]?.stringValue == "incident" && $0["module"]?.stringValue == "CWPP" } == true)
    }

    @Test("rule backfill counts the stored events a new rule matches, queues them with --yes, and never twice")
    func ruleBackfill() async throws {
        let cli = try CLI()
        let simulator = PrismaSimulator(configuration: .init(rateLimitPerSecond: nil))
        await simulator.addRecentAlerts(120)
        let server = try await simulator.serve()
        defer { Task { await server.stop() } }
        _ = try await cli.run(
            ["connector", "add", "--name", "sim", "--url", server.url, "--key-id", simulator.user.accessKeyID],
            environment: ["PRISMA_RELAY_SECRET": simulator.user.secretKey])
        #expect(try await cli.run(["connector", "poll", "sim"]).status == 0)
        let id = try #require(
            try await cli.addIntegrations([
                (name: "hec", type: "splunk", config: #"{"url":"https://splunk.example.com:8088","authToken":"t"}"#)
            ]).first)
        #expect(try await cli.run(["rule", "add", "--name", "high", "--integration", id, "--severity", "high"]).status == 0)

        let counted = try await cli.run(["rule", "backfill", "high"])
        #expect(counted.status == 0, "\(counted.stderr)")
        let numbers = counted.stdout.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        // "N stored events of the last 24 hours match rule high; N deliveries would be queued. …"
        #expect(numbers.count == 3 && numbers[0] > 0 && numbers[1] == 24 && numbers[2] == numbers[0], "\(counted.stdout)")
        #expect(counted.stdout.contains("Run again with --yes to send them."))
        let sent = try await cli.run(["rule", "backfill", "high", "--yes"])
        #expect(sent.stdout.contains("queued \(numbers[0]) deliveries"), "\(sent.stdout)")
        #expect(try await cli.run(["rule", "backfill", "high", "--yes"]).stdout.contains("queued 0 deliveries"))
        #expect(try await cli.run(["rule", "backfill", "high"]).stdout.contains("none is left to send"))
        let bad = try await cli.run(["rule", "backfill", "high", "--hours", "0"])
        #expect(bad.status == 1 && bad.stderr.hasPrefix("prisma-relay: hours: must be between 1 and 720"), "\(bad.stderr)")
        #expect(try await cli.run(["rule", "backfill", "nope"]).stderr.contains("nope"))
    }

    @Test("integrations come from a config file and list masked; rules name them; bad input names the field")
    func integrationsAndRules() async throws {
        let cli = try CLI()
        let file = cli.directory.appendingPathComponent("splunk.json")
        try Data(#"{"url":"https://splunk.example.com:8088","authToken":"CLI-HEC-SECRET"}"#.utf8).write(to: file)
        let add = try await cli.run(["integration", "add", "--name", "hec", "--type", "splunk", "--config-file", file.path])
        #expect(add.status == 0)
        let id = try #require(add.stdout.split(separator: " ").last?.trimmingCharacters(in: .whitespacesAndNewlines))
        let list = try await cli.run(["integration", "list", "--json"])
        #expect(list.stdout.contains(#""authToken": "********""#))
        #expect(list.stdout.contains(#""sourceType": "_json""#))
        #expect(!list.stdout.contains("CLI-HEC-SECRET"))
        let rule = try await cli.run([
            "rule", "add", "--name", "high", "--integration", id, "--severity", "high", "--notify-on", "open", "--notify-on", "resolved",
        ])
        #expect(rule.status == 0, "\(rule.stderr)")
        #expect(try await cli.run(["rule", "list"]).stdout.split(separator: "\n").last?.hasSuffix("  hec") == true)
        let inUse = try await cli.run(["integration", "remove", id])
        #expect(inUse.status == 1)
        #expect(inUse.stderr.contains("used by alert rules high"))
        let bad = try await cli.run(["rule", "add", "--name", "x", "--severity", "severe"])
        #expect(
            bad.stderr == "prisma-relay: severity: severe is not high, medium, low or info; integration: name at least one integration id\n"
        )
        try Data(#"{"webhookUrl":"https://example.com/x"}"#.utf8).write(to: file)
        let badSlack = try await cli.run(["integration", "add", "--name", "s", "--type", "slack", "--config-file", file.path])
        #expect(badSlack.stderr == "prisma-relay: integrationConfig.webhookUrl: must start with https://hooks.slack.com/\n")
    }

    @Test(
        "integration test sends the test message and says what to fix; integration update changes the config, keeps a masked secret, and asks for it again when the URL moves"
    )
    func integrationTestAndUpdate() async throws {
        let cli = try CLI()
        let receiver = SplunkHECReceiver(token: "RIGHT-HEC-TOKEN")
        let server = try await receiver.serve()
        defer { Task { await server.stop() } }
        let url = "\(server.url)/services/collector/event"
        _ = try await cli.addIntegrations([("hec", "splunk", #"{"url":"\#(url)","authToken":"WRONG-HEC-TOKEN"}"#)])
        var outputs: [CLI.Result] = []

        let refused = try await cli.run(["integration", "test", "hec"])
        outputs.append(refused)
        #expect(refused.status == 1)
        #expect(refused.stdout.isEmpty)
        #expect(refused.stderr == "prisma-relay: Splunk rejected the HEC token (HTTP 403, HEC code 4: Invalid token): check authToken\n")

        let statuses = try JSONValue.parse(try await cli.run(["integration", "status", "--json"]).stdout).arrayValue
        let status = try #require(statuses?.first)
        #expect(statuses?.count == 1 && status["name"]?.stringValue == "hec" && status["status"]?.stringValue == "YELLOW")
        #expect(status["reason"]?["errorType"]?.stringValue == "TEST_FAILED" && status["deadLetters"] == .int(0))

        let file = cli.directory.appendingPathComponent("right.json")
        try Data(#"{"url":"\#(url)","authToken":"RIGHT-HEC-TOKEN"}"#.utf8).write(to: file)
        let update = try await cli.run(["integration", "update", "hec", "--config-file", file.path])
        outputs.append(update)
        #expect(update.status == 0, "\(update.stderr)")
        #expect(update.stdout.hasPrefix("Integration hec ("))
        let passed = try await cli.run(["integration", "test", "hec"])
        outputs.append(passed)
        #expect(passed.status == 0, "\(passed.stderr)")
        #expect(!passed.stdout.isEmpty && passed.stderr.isEmpty)

        // The mask, as the list shows it, keeps the stored token; a new name and enabled come with it.
        try Data(#"{"url":"\#(url)","authToken":"********","sourceType":"prisma:alert"}"#.utf8).write(to: file)
        let renamed = try await cli.run(["integration", "update", "hec", "--config-file", file.path, "--name", "soc"])
        outputs.append(renamed)
        #expect(renamed.status == 0, "\(renamed.stderr)")
        let list = try await cli.run(["integration", "list", "--json"])
        outputs.append(list)
        let stored = try #require(try JSONValue.parse(list.stdout).arrayValue?.first)
        #expect(stored["name"]?.stringValue == "soc")
        #expect(stored["integrationConfig"]?["sourceType"]?.stringValue == "prisma:alert")
        #expect(try await cli.run(["integration", "test", "soc"]).status == 0, "the stored token was kept")

        // A stored secret goes only where it was given: a new URL needs it again, and nothing is changed.
        try Data(#"{"url":"https://splunk.example.com:8088","authToken":"********"}"#.utf8).write(to: file)
        let moved = try await cli.run(["integration", "update", "soc", "--config-file", file.path])
        outputs.append(moved)
        #expect(moved.status == 1)
        #expect(moved.stderr.contains("authToken: give this secret again"), "\(moved.stderr)")
        #expect(try await cli.run(["integration", "test", "soc"]).status == 0)

        let nothing = try await cli.run(["integration", "update", "soc"])
        #expect(nothing.status == 1)
        #expect(nothing.stderr.contains("give --config-file or --name"))
        let unknown = try await cli.run(["integration", "test", "hex"])
        #expect(unknown.status == 1 && unknown.stderr.contains("there is no integration with the id or name hex"))
        for output in outputs {
            for secret in ["RIGHT-HEC-TOKEN", "WRONG-HEC-TOKEN"] {
                #expect(!output.stdout.contains(secret) && !output.stderr.contains(secret))
            }
        }
    }

    @Test("connector set-key tests a new key before storing it: a wrong one is refused and the working key kept")
    func connectorSetKey() async throws {
        let cli = try CLI()
        let simulator = PrismaSimulator(configuration: .init(rateLimitPerSecond: nil))
        await simulator.addRecentAlerts(20)
        await simulator.addUser(SimUser(accessKeyID: "rotated-key", secretKey: "NEW-SECRET", tenants: simulator.user.tenants))
        let server = try await simulator.serve()
        defer { Task { await server.stop() } }
        try await cli.addConnector("sim", url: server.url, simulator: simulator)

        let wrong = try await cli.run(
            ["connector", "set-key", "sim", "--key-id", "rotated-key"], environment: ["PRISMA_RELAY_SECRET": "MISTYPED-SECRET"])
        #expect(wrong.status == 1)
        #expect(wrong.stderr.hasPrefix("prisma-relay: the new key was not stored: Prisma Cloud refused the access key"), "\(wrong.stderr)")
        #expect(!wrong.stderr.contains("MISTYPED-SECRET"))
        #expect(try await cli.run(["connector", "test", "sim"]).status == 0, "the working key is kept")

        let rotated = try await cli.run(
            ["connector", "set-key", "sim", "--key-id", "rotated-key"], environment: ["PRISMA_RELAY_SECRET": "NEW-SECRET"])
        #expect(rotated.status == 0, "\(rotated.stderr)")
        #expect(rotated.stdout.hasPrefix("Connector sim now uses access key rotated-key; Connection successful at "))
        #expect(try await cli.run(["connector", "status", "sim"]).stdout.contains("Access key ID:    rotated-key"))
        #expect(try await cli.run(["connector", "poll", "sim"]).status == 0)

        // Untested, a key is stored as given, and the next test says it does not work.
        let untested = try await cli.run(
            ["connector", "set-key", "sim", "--key-id", "rotated-key", "--no-test"], environment: ["PRISMA_RELAY_SECRET": "MISTYPED-SECRET"]
        )
        #expect(untested.stdout == "Connector sim now uses access key rotated-key (not tested).\n")
        #expect(try await cli.run(["connector", "test", "sim"]).status == 1)
        #expect(
            try await cli.run(["connector", "set-key", "nope", "--key-id", "k"], environment: ["PRISMA_RELAY_SECRET": "s"]).status == 1)
    }

    @Test("connectors, integrations and rules are turned off and on again by name, and a rule turned off routes nothing")
    func enableAndDisable() async throws {
        let cli = try CLI()
        let simulator = PrismaSimulator(configuration: .init(rateLimitPerSecond: nil))
        await simulator.addRecentAlerts(30)
        let server = try await simulator.serve()
        defer { Task { await server.stop() } }
        try await cli.addConnector("sim", url: server.url, simulator: simulator)
        _ = try await cli.addIntegrations([("hook", "webhook", #"{"url":"https://siem.example.com/hook"}"#)])
        #expect(try await cli.run(["rule", "add", "--name", "all", "--integration", "hook"]).status == 0)
        func queued() async throws -> String? {
            let status = try await cli.run(["integration", "status"])
            return status.stdout.split(separator: "\n").last?.split(separator: " ", omittingEmptySubsequences: true).dropFirst(3).first.map(
                String.init)
        }

        let off = try await cli.run(["rule", "disable", "all"])
        #expect(off.stdout == "Rule all disabled: new events no longer go through it; deliveries it queued still go out.\n")
        #expect(try await cli.run(["rule", "list"]).stdout.contains("  all   false  "))
        #expect(try await cli.run(["connector", "poll", "sim"]).status == 0)
        #expect(try await queued() == "0", "a rule turned off routes nothing")
        let on = try await cli.run(["rule", "enable", "all"])
        #expect(on.stdout.hasPrefix("Rule all enabled: "))
        await simulator.addAlerts(5, start: simulator.now() - 500, spread: 100, closedShare: 0)
        #expect(try await cli.run(["connector", "poll", "sim"]).status == 0)
        #expect(try await queued() == "5", "only the events stored once it was on again")

        let hookOff = try await cli.run(["integration", "disable", "hook"])
        #expect(hookOff.stdout.hasPrefix("Integration hook disabled: nothing is sent to it until prisma-relay integration enable hook"))
        #expect(
            try JSONValue.parse(try await cli.run(["integration", "list", "--json"]).stdout).arrayValue?.first?["enabled"] == .bool(false))
        #expect(try await cli.run(["integration", "enable", "hook"]).status == 0)
        #expect(
            try JSONValue.parse(try await cli.run(["integration", "list", "--json"]).stdout).arrayValue?.first?["enabled"] == .bool(true))

        let simOff = try await cli.run(["connector", "disable", "sim"])
        #expect(simOff.stdout.hasPrefix("Connector sim disabled: serve no longer polls it"))
        #expect(
            try JSONValue.parse(try await cli.run(["connector", "list", "--json"]).stdout).arrayValue?.first?["enabled"] == .bool(false))
        #expect(try await cli.run(["connector", "enable", "sim"]).status == 0)
        #expect(
            try JSONValue.parse(try await cli.run(["connector", "list", "--json"]).stdout).arrayValue?.first?["enabled"] == .bool(true))
        for command in [["connector", "disable"], ["integration", "disable"], ["rule", "disable"]] {
            #expect(try await cli.run(command + ["nope"]).status == 1, "\(command)")
        }
    }

    @Test("a console URL is refused with exit 1 and one line naming the field and the API URL")
    func consoleURLRefused() async throws {
        let cli = try CLI()
        let result = try await cli.run(
            ["connector", "add", "--name", "eu", "--url", "https://app2.eu.prismacloud.io", "--key-id", "k"],
            environment: ["PRISMA_RELAY_SECRET": "s"])
        #expect(result.status == 1)
        #expect(
            result.stderr
                == "prisma-relay: url: app2.eu.prismacloud.io is the Prisma Cloud console, not the API: use https://api2.eu.prismacloud.io\n"
        )
    }

    @Test("every bad option of connector add is named at once, by the option that sets it")
    func connectorOptionsNamed() async throws {
        let result = try await CLI().run(
            [
                "connector", "add", "--name", "eu", "--url", "http://api.prismacloud.io", "--key-id", "k", "--interval", "0",
                "--page-size", "0", "--time-field", "later", "--status", "bogus",
            ], environment: ["PRISMA_RELAY_SECRET": "s"])
        #expect(result.status == 1)
        let fields = result.stderr.dropFirst("prisma-relay: ".count).split(separator: "; ").map { $0.prefix { $0 != ":" } }
        #expect(fields == ["time-field", "url", "interval", "page-size", "status"], "\(result.stderr)")
    }

    @Test(
        "without a secret and without a terminal, add says where the secret can come from, with every other problem of the options; an unreadable secret file is named"
    )
    func missingSecret() async throws {
        let cli = try CLI()
        let result = try await cli.run(["connector", "add", "--name", "x", "--url", "https://api.prismacloud.io", "--key-id", "k"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("secretKey: is required: set PRISMA_RELAY_SECRET, pass --secret-file"))
        let many = try await cli.run(["connector", "add", "--name", "two words", "--url", "ftp://x", "--key-id", "k"])
        let fields = many.stderr.dropFirst("prisma-relay: ".count).split(separator: "; ").map { $0.prefix { $0 != ":" } }
        #expect(fields == ["secretKey", "name", "url"], "\(many.stderr)")
        let unreadable = try await cli.run(
            [
                "connector", "add", "--name", "x", "--url", "https://api.prismacloud.io", "--key-id", "k", "--secret-file",
                "/nonexistent/key",
            ])
        #expect(unreadable.stderr == "prisma-relay: secret-file: cannot read /nonexistent/key: check the path and its permissions\n")
        #expect(try await cli.run(["connector", "list", "--json"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "[]")
    }

    @Test("serve refuses bad delivery limits before starting, naming the option and its environment variable")
    func badDeliverySettings() async throws {
        let result = try await CLI().run(
            ["serve", "--port", "0", "--delivery-max-age", "soon"], environment: ["PRISMA_RELAY_DELIVERY_CONCURRENCY": "0"])
        #expect(result.status == 1)
        #expect(
            result.stderr
                == "prisma-relay: --delivery-concurrency (PRISMA_RELAY_DELIVERY_CONCURRENCY): must be a whole number from 1 to 64, not \"0\"; "
                + "--delivery-max-age (PRISMA_RELAY_DELIVERY_MAX_AGE): must be a duration from 1m to 30d such as 90m, 24h or 7d, not \"soon\"\n"
        )
    }

    @Test("events list names every bad option at once")
    func eventsListOptions() async throws {
        let result = try await CLI().run(["events", "list", "--severity", "severe", "--limit", "0", "--kind", "alerts"])
        #expect(result.status == 1)
        #expect(
            result.stderr
                == "prisma-relay: severity: must be high, medium, low or info (got \"severe\"); limit: must be at least 1 (got 0); "
                + "kind: must be alert, incident, audit, health (got \"alerts\")\n")
    }

    @Test("a serve a test releases without stopping it (it failed or threw first) is killed, not left running")
    func releasedServeIsKilled() async throws {
        let cli = try CLI()
        var serve: BackgroundCLI? = try BackgroundCLI(["serve", "--port", "0"], in: cli)
        _ = try await serve?.waitFor("PrismaRelay serving on")
        let pid = try #require(serve?.process.pid)
        serve = nil
        var alive = true
        for _ in 0..<100 where alive {
            try await Task.sleep(for: .milliseconds(50))
            alive = kill(pid, 0) == 0
        }
        #expect(!alive, "serve \(pid) still runs")
    }

    @Test("an unknown connector is a one-line error with exit 1")
    func unknownConnector() async throws {
        let result = try await CLI().run(["connector", "poll", "nope"])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("prisma-relay: there is no connector named \"nope\""))
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    @Test("integration and rule commands take the name the lists show as well as the id; one that names nothing exits 1 saying so")
    func namesOrIDs() async throws {
        let cli = try CLI()
        let ids = try await cli.addIntegrations([("hec", "splunk", #"{"url":"https://splunk.example.com:8088","authToken":"t"}"#)])
        let rule = try await cli.run(["rule", "add", "--name", "high", "--integration", "hec", "--severity", "high"])
        #expect(rule.status == 0, "\(rule.stderr)")
        #expect(try await cli.run(["rule", "list"]).stdout.hasSuffix("true     hec\n"), "the rule sends to the integration named")
        let letters = try await cli.run(["integration", "dead-letters", "hec"])
        #expect(letters.status == 0 && letters.stdout.hasPrefix("SEQ"), "\(letters.stderr)")
        #expect(try await cli.run(["integration", "retry", "hec"]).stdout == "Queued 0 dead letters again.\n")
        let none = try await cli.run(["integration", "discard", "hec", "--seq", "9"])
        #expect(none.status == 1)
        #expect(
            none.stderr
                == "prisma-relay: seq: integration hec has no dead letter 9 (prisma-relay integration dead-letters hec lists them)\n")
        // An id or name that names nothing was an empty table, or "Queued 0", with exit 0.
        for command in [["integration", "dead-letters"], ["integration", "retry"], ["integration", "remove"]] {
            let unknown = try await cli.run(command + ["hex"])
            #expect(unknown.status == 1, "\(command)")
            #expect(unknown.stdout.isEmpty, "\(command)")
            #expect(
                unknown.stderr
                    == "prisma-relay: there is no integration with the id or name hex (prisma-relay integration list shows them)\n",
                "\(command)")
        }
        let typo = try await cli.run(["rule", "add", "--name", "low", "--integration", "hex", "--severity", "low"])
        #expect(typo.status == 1)
        #expect(
            typo.stderr
                == "prisma-relay: integration: there is no integration with the id or name hex (prisma-relay integration list shows them)\n"
        )
        #expect(try await cli.run(["rule", "remove", "nope"]).stderr.contains("no alert rule with the id or name nope"))
        #expect(try await cli.run(["rule", "remove", "high"]).stdout.hasPrefix("Rule high ("))
        #expect(try await cli.run(["integration", "remove", "hec"]).stdout == "Integration hec (\(ids[0])) removed.\n")
        #expect(try await cli.run(["integration", "list", "--json"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "[]")
    }
}

@Suite("prisma-relay serve")
struct ServeTests {
    @Test("serve polls on schedule, answers /healthz and the API with a key from token create, and stops cleanly on SIGTERM")
    func serveLifecycle() async throws {
        let cli = try CLI()
        let simulator = PrismaSimulator(configuration: .init(rateLimitPerSecond: nil))
        await simulator.addRecentAlerts(40)
        let sim = try await simulator.serve()
        defer { Task { await sim.stop() } }
        let token = try await cli.run(["token", "create", "ci"])
        let keyID = try #require(token.stdout.split(separator: "\n").first { $0.hasPrefix("Access key ID: ") }?.dropFirst(15))
        let secret = try #require(token.stdout.split(separator: "\n").first { $0.hasPrefix("Secret key: ") }?.dropFirst(12))
        _ = try await cli.run(
            ["connector", "add", "--name", "sim", "--url", sim.url, "--key-id", simulator.user.accessKeyID, "--interval", "10"],
            environment: ["PRISMA_RELAY_SECRET": simulator.user.secretKey])

        let serve = try BackgroundCLI(["serve", "--port", "0"], in: cli)
        let banner = try await serve.waitFor("PrismaRelay serving on http://127.0.0.1:")
        let base = String(banner.split(separator: " ")[3])
        _ = try await serve.waitFor("poll completed")
        func get(_ path: String, authorization: String? = nil) async throws -> (Int, String) {
            var request = HTTPClientRequest(url: base + path)
            if let authorization { request.headers.add(name: "Authorization", value: authorization) }
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            return (Int(response.status.code), String(buffer: try await response.body.collect(upTo: 1 << 20)))
        }
        #expect(try await get("/healthz") == (200, #"{"status":"ok"}"#))
        #expect(try await get("/integration", authorization: "Bearer \(keyID):\(secret)").0 == 200)
        #expect(try await get("/integration").0 == 401)
        let metrics = try await get("/metrics", authorization: "Bearer \(keyID):\(secret)")
        #expect(metrics.1.contains(#"prisma_relay_polls_total{connector="sim",outcome="success",replica="relay-"#))
        #expect(await serve.terminate() == 0)
        let status = try await cli.run(["connector", "status", "sim"])
        #expect(status.stdout.contains("Status:           Active"))
        #expect(!serve.printed.joined().contains(simulator.user.secretKey))
        #expect(!serve.printed.joined().contains(String(secret)))
    }

    @Test("serve routes collected alerts through a rule to a webhook, and every one arrives")
    func deliversToWebhook() async throws {
        let cli = try CLI()
        let simulator = PrismaSimulator(configuration: .init(rateLimitPerSecond: nil))
        var alerts = Set<String>()
        for id in await simulator.addRecentAlerts(60) where await simulator.alert(id)?["status"]?.stringValue == "open" {
            alerts.insert(id)
        }
        let sim = try await simulator.serve()
        let receiver = WebhookReceiver(token: "relay-hook-token")
        let hook = try await receiver.serve()
        defer {
            Task {
                await sim.stop()
                await hook.stop()
            }
        }
        _ = try await cli.run(
            ["connector", "add", "--name", "sim", "--url", sim.url, "--key-id", simulator.user.accessKeyID],
            environment: ["PRISMA_RELAY_SECRET": simulator.user.secretKey])
        let id = try await cli.addIntegrations([("hook", "webhook", #"{"url":"\#(hook.url)/hook","authToken":"relay-hook-token"}"#)])[0]
        #expect(try await cli.run(["rule", "add", "--name", "all", "--integration", id]).status == 0)
        let serve = try BackgroundCLI(["serve", "--port", "0"], in: cli)
        // The loop ends as soon as every alert has arrived; the bound is for a machine busy with the whole suite.
        let deadline = Date().addingTimeInterval(120)
        while await receiver.received.count < alerts.count, Date() < deadline { try await Task.sleep(for: .milliseconds(100)) }
        #expect(await serve.terminate() == 0)
        let delivered = await receiver.received.compactMap { $0.body["native_id"]?.stringValue }
        #expect(delivered.count == alerts.count)
        #expect(Set(delivered).symmetricDifference(alerts).isEmpty)
        #expect(!serve.printed.joined().contains("relay-hook-token"))
    }

    @Test("serve routes alerts to Cortex XSOAR 8: one incident per alert, whose rawJSON is the alert Prisma sent")
    func deliversToXSOAR() async throws {
        let cli = try CLI()
        let simulator = PrismaSimulator(configuration: .init(rateLimitPerSecond: nil))
        var alerts: [String: JSONValue] = [:]
        for id in await simulator.addRecentAlerts(30) {
            if let alert = await simulator.alert(id), alert["status"]?.stringValue == "open" { alerts[id] = alert }
        }
        let sim = try await simulator.serve()
        let receiver = XSOARReceiver(generation: 8, apiKey: "xsoar-key-secret", apiKeyID: "12")
        let xsoar = try await receiver.serve()
        defer {
            Task {
                await sim.stop()
                await xsoar.stop()
            }
        }
        _ = try await cli.run(
            ["connector", "add", "--name", "sim", "--url", sim.url, "--key-id", simulator.user.accessKeyID],
            environment: ["PRISMA_RELAY_SECRET": simulator.user.secretKey])
        let id = try await cli.addIntegrations([
            (
                "soar", "demisto",
                #"{"hostUrl":"https://acme.xdr.us.paloaltonetworks.com","apiKey":"xsoar-key-secret","apiKeyID":"12","demistoVersion":"8.0"}"#
            )
        ])[0]
        #expect(try await cli.run(["rule", "add", "--name", "all", "--integration", id]).status == 0)
        let serve = try BackgroundCLI(["serve", "--port", "0"], in: cli, environment: ["PRISMA_RELAY_XSOAR_API_URL": xsoar.url])
        let deadline = Date().addingTimeInterval(30)
        while await receiver.incidents.count < alerts.count, Date() < deadline { try await Task.sleep(for: .milliseconds(100)) }
        #expect(await serve.terminate() == 0)
        let incidents = await receiver.incidents
        #expect(incidents.count == alerts.count)
        for incident in incidents {
            let mirror = try #require(incident["CustomFields"]?["dbotmirrorid"]?.stringValue)
            let alert = try #require(alerts[String(mirror.dropFirst("sim/".count))], "\(mirror)")
            #expect(try JSONValue.parse(Array((incident["rawJSON"]?.stringValue ?? "").utf8)) == alert)
        }
        #expect(!serve.printed.joined().contains("xsoar-key-secret"))
    }

    @Test("serve exits within 15 s of SIGTERM while a destination hangs, and every event it could not send stays queued")
    func shutdownWhileDestinationHangs() async throws {
        let cli = try CLI()
        let simulator = PrismaSimulator(configuration: .init(rateLimitPerSecond: nil))
        var open = 0
        for id in await simulator.addRecentAlerts(40) where await simulator.alert(id)?["status"]?.stringValue == "open" { open += 1 }
        let sim = try await simulator.serve()
        let hanging = try await HangingServer()
        defer {
            Task {
                await sim.stop()
                await hanging.stop()
            }
        }
        _ = try await cli.run(
            ["connector", "add", "--name", "sim", "--url", sim.url, "--key-id", simulator.user.accessKeyID, "--status", "all"],
            environment: ["PRISMA_RELAY_SECRET": simulator.user.secretKey])
        let file = cli.directory.appendingPathComponent("hook.json")
        try Data(#"{"url":"\#(hanging.url)/hook","authToken":"t"}"#.utf8).write(to: file)
        let added = try await cli.run(["integration", "add", "--name", "hook", "--type", "webhook", "--config-file", file.path])
        let id = try #require(added.stdout.split(separator: " ").last?.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(try await cli.run(["rule", "add", "--name", "all", "--integration", id]).status == 0)
        let serve = try BackgroundCLI(["serve", "--port", "0", "--shutdown-grace", "2s"], in: cli)
        let deadline = Date().addingTimeInterval(30)
        while hanging.connections == 0, Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
        #expect(hanging.connections > 0, "no delivery reached the hanging destination")
        let stopping = Date()
        #expect(await serve.terminate() == 0)
        #expect(Date().timeIntervalSince(stopping) < 15)
        let status = try await cli.run(["integration", "status"])
        let row = try #require(status.stdout.split(separator: "\n").first { $0.hasPrefix("hook") })
        let columns = row.split(separator: " ", omittingEmptySubsequences: true)
        #expect(columns.count > 4 && columns[3] == "\(open)" && columns[4] == "0", "\(row) (\(open) open alerts)")
    }
}
