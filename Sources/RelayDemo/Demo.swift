import Foundation
import HTTPServing
import Logging
import PrismaSim
import Relay
import RelayModel

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
        await simulator.addRecentIncidents(max(1, alerts / 10))
        await simulator.addAuditRecords(max(1, alerts / 10))
        let server = try await simulator.serve()
        defer { Task { await server.stop() } }
        let console = server.url + "/" + (simulator.computeTenant ?? "")
        say(
            "Simulated Prisma Cloud tenant at \(server.url) with \(alerts) alerts, \(max(1, alerts / 10)) Compute incidents and \(max(1, alerts / 10)) audit log records over the last 24 hours"
        )

        // The organisation's Okta and Tenable, which know the people and hosts the tenant's alerts name.
        let okta = SimOkta.knowingSimulatedTenant(token: "demo-okta-token")
        let tenable = SimTenable.knowingSimulatedTenant(accessKey: "demo-access-key", secretKey: "demo-secret-key")
        let oktaServer = try await okta.serve()
        let tenableServer = try await tenable.serve()
        defer { Task { await oktaServer.stop() } }
        defer { Task { await tenableServer.stop() } }
        say("Simulated Okta at \(oktaServer.url) and Tenable at \(tenableServer.url), knowing the tenant's people and hosts")

        var environment = ProcessInfo.processInfo.environment
        environment["PRISMA_RELAY_OKTA_URL"] = oktaServer.url
        environment["PRISMA_RELAY_TENABLE_URL"] = tenableServer.url
        let app = try await RelayApp.open(
            // The simulated tenant, sources and the demo's webhook listen on this machine.
            database: database, outbound: .allowingLoopback, environment: environment,
            logger: .init(label: "prisma-relay.demo", factory: { _ in SwiftLogNoOpLogHandler() }))
        let key = (id: simulator.user.accessKeyID, secret: Secret(simulator.user.secretKey))
        var cspm = ConnectorConfig(
            name: "demo-cspm", apiURL: server.url, accessKeyID: key.id, secretKey: key.secret, intervalSeconds: max(10, intervalSeconds),
            pageSize: 500)
        cspm.includeAuditLogs = true
        let connectors = [
            cspm,
            ConnectorConfig(
                name: "demo-compute", type: .compute, apiURL: console, accessKeyID: key.id, secretKey: key.secret,
                intervalSeconds: max(10, intervalSeconds)),
        ]
        for config in connectors {
            if try await app.connectors.find(config.name) == nil {
                try await app.connectors.add(config)
            } else {
                try await app.connectors.update(config)
            }
        }
        let sink = DemoWebhookSink(token: "demo-token")
        let sinkServer = try await sink.serve()
        defer { Task { await sinkServer.stop() } }
        let webhook = try await demoWebhook(app: app, url: sinkServer.url + "/demo/webhook")
        try await save(app: app, name: "demo-okta", type: "okta", config: ["domain": "example.okta.com", "apiToken": "demo-okta-token"])
        try await save(
            app: app, name: "demo-tenable", type: "tenable", config: ["accessKey": "demo-access-key", "secretKey": "demo-secret-key"])

        var round = 1
        while true {
            for config in connectors {
                let report = try await app.connectors.poll(config.name)
                let state = try await app.connectors.state(of: config.name)
                let what = config.type == .compute ? "incidents" : config.includeAuditLogs ? "alerts and audit records" : "alerts"
                if let error = report.error {
                    say("poll \(round) \(config.name): failed: \(error)")
                } else {
                    say(
                        "poll \(round) \(config.name): \(report.pages) pages, \(report.fetched) \(what) fetched, \(report.added) new events, \(state.totalEvents) stored; status \(state.status.rawValue)"
                    )
                }
            }
            var sent = 0
            while true {
                let handled = try await app.integrations.deliverDue(webhook, limit: 500)
                sent += handled
                if handled == 0 { break }
            }
            let health = try await app.deliveries.health(of: webhook.id)
            let arrived = await sink.deliveries
            say(
                "deliveries \(round): rule \"high severity\" sent \(sent) events to the demo webhook, \(arrived) arrived in all; \(health.queueDepth) waiting, status \(health.status.rawValue)"
            )
            if round == 1, let enriched = await sink.enriched, let line = Self.describeEnrichment(of: enriched) { say(line) }
            if once { break }
            try await Task.sleep(for: .seconds(intervalSeconds))
            // New findings keep arriving and some alerts are resolved, as in a live tenant.
            let recent = app.clock() - Int64(intervalSeconds) * 1000
            await simulator.addAlerts(max(1, alerts / 50), start: recent, spread: Int64(intervalSeconds) * 1000)
            await simulator.addIncidents(max(1, alerts / 200), start: recent, spread: Int64(intervalSeconds) * 1000)
            await simulator.addAuditRecords(max(1, alerts / 100), hours: 0)
            await simulator.transition(max(1, alerts / 100), to: "resolved")
            round += 1
        }
        let summary = try await app.events.summary()
        let audits = try await app.events.list(EventQuery(kind: .audit, limit: 1_000_000))
        say(Self.describe(summary, audits: audits, database: database))
    }

    /// A webhook integration on the demo's sink and a rule sending it high-severity events.
    func demoWebhook(app: RelayApp, url: String) async throws -> Integration {
        // The sink listens on a new port each run; its token goes with the URL it is bound to.
        let (webhook, created) = try await save(
            app: app, name: "demo-webhook", type: "webhook", config: ["url": url, "authToken": "demo-token"])
        if created {
            _ = try await app.rules.create(
                RuleService.Draft(
                    name: "demo: high severity to the webhook", filters: ["severities": ["high"]], integrationIDs: [webhook.id]))
        }
        return webhook
    }

    /// Adds the integration, or updates the one of that name a previous run added; says which.
    @discardableResult
    func save(app: RelayApp, name: String, type: String, config: KeyValuePairs<String, String>) async throws -> (Integration, created: Bool)
    {
        var draft = IntegrationService.Draft(json: .object([:]))
        draft.name = name
        draft.integrationType = type
        draft.integrationConfig = .object(JSONObject(config.map { .init(key: $0.key, value: .string($0.value)) }))
        if let existing = try await app.integrations.list().first(where: { $0.name == name }) {
            return (try await app.integrations.update(id: existing.id, with: draft, by: "demo"), false)
        }
        return (try await app.integrations.create(draft, by: "demo"), true)
    }

    /// One line on what Okta and Tenable added to a delivered event, e.g. `enriched: "…" — Okta: alice@example.com
    /// (ACTIVE, admin: SUPER_ADMIN, MFA: push); Tenable: 10.0.1.12 (1 critical, top: OpenSSL advisory 2)`.
    static func describeEnrichment(of event: JSONValue) -> String? {
        let users = event["enrichment"]?["okta"]?["users"]?.arrayValue ?? []
        let hosts = event["enrichment"]?["tenable"]?["hosts"]?.arrayValue ?? []
        guard !users.isEmpty || !hosts.isEmpty else { return nil }
        func list(_ value: JSONValue?) -> String? {
            let items = value?.arrayValue?.compactMap(\.stringValue) ?? []
            return items.isEmpty ? nil : items.joined(separator: " ")
        }
        let people = users.map { user in
            let facts = [
                user["status"]?.stringValue ?? "status unknown", list(user["adminRoles"]).map { "admin: \($0)" } ?? "not an admin",
                list(user["mfaFactors"]).map { "MFA: \($0)" } ?? "no MFA",
            ]
            return "\(user["login"]?.stringValue ?? "?") (\(facts.joined(separator: ", ")))"
        }
        let machines = hosts.map { host in
            let counts = (host["vulnerabilities"]?.objectValue ?? [:]).compactMap { entry in
                entry.value.int64Value.flatMap { $0 > 0 ? "\($0) \(entry.key)" : nil }
            }
            var facts = counts.isEmpty ? ["no open vulnerabilities"] : counts
            if let top = host["top"]?.arrayValue?.first?["pluginName"]?.stringValue { facts.append("top: \(top)") }
            let subject = host["subject"]?.stringValue ?? "?"
            // Subjects read `ip:10.0.1.12`, `instance:i-…`.
            return "\(subject.split(separator: ":", maxSplits: 1).last.map(String.init) ?? subject) (\(facts.joined(separator: ", ")))"
        }
        var parts: [String] = []
        if !people.isEmpty { parts.append("Okta: " + people.joined(separator: "; ")) }
        if !machines.isEmpty { parts.append("Tenable: " + machines.joined(separator: "; ")) }
        return "enriched: \"\(event["title"]?.stringValue ?? "?")\" — " + parts.joined(separator: "; ")
    }

    static func describe(_ summary: EventSummary, audits: [NormalizedEvent], database: String) -> String {
        let failedLogins = audits.filter { $0.audit?.action == "LOGIN" && $0.audit?.result == "failure" }.count
        let severities = Severity.allCases.reversed().map { "\($0.rawValue) \(summary.bySeverity[$0] ?? 0)" }
        let modules = Module.allCases.map { "\($0.rawValue) \(summary.byModule[$0] ?? 0)" }
        return """
            \(summary.total) events stored
              by severity: \(severities.joined(separator: ", "))
              by module:   \(modules.joined(separator: ", "))
              audit log:   \(audits.count) records; failed log-ins: \(failedLogins)
            Data: \(database) (secrets encrypted with \(database).key)
            Next: prisma-relay events list --database \(database) --limit 5
            """
    }
}
