import Foundation
import Relay
import RelayModel
import RelayStore
import TestSupport
import Testing

@Suite("Configuration as code: a file's plan, applied whole; export round-trips")
struct ConfigurationAsCodeTests {
    static let file = """
        # The README's walk-through, as a file.
        connectors:
          - name: prod
            apiURL: https://api2.prismacloud.io
            accessKeyID: 8a0c1b2d-key
            secretKey: ${env:PROD_SECRET}
            intervalSeconds: 300
            statuses: [open, resolved]
          - name: cwpp
            type: compute
            apiURL: https://us-east1.cloud.twistlock.com/us-1-111111111
            accessKeyID: auditor
            secretKey: ${file:/run/secrets/cwpp}
        integrations:
          - name: soc-hook
            integrationType: webhook
            description: SOC intake
            integrationConfig:
              url: https://hooks.example.com/prisma
              authToken: ${env:HOOK_TOKEN}
              headers:
                - {key: X-Team, value: soc}
                - {key: X-Api-Key, value: "${env:HOOK_KEY}", secure: true}
          - name: splunk
            integrationType: splunk
            integrationConfig:
              url: https://splunk.example.com:8088
              authToken: ${env:HEC_TOKEN}
        rules:
          - name: high to soc
            filters: {severities: [high]}
            notifyOn: [open, resolved]
            integrations: [soc-hook, splunk]
        """

    static let references = ConfigurationService.References(
        environment: ["PROD_SECRET": "prod-secret-1", "HOOK_TOKEN": "hook-token-1", "HOOK_KEY": "hook-key-1", "HEC_TOKEN": "hec-1"],
        readFile: { $0 == "/run/secrets/cwpp" ? "cwpp-password" : nil })

    static func app() throws -> RelayApp {
        let directory = try ScratchDirectory.untilExit(prefix: "relay-config")
        return RelayApp(store: try SQLiteStore(path: directory.appendingPathComponent("relay.sqlite").path))
    }

    static func plan(_ app: RelayApp, _ text: String, prune: Bool = false, references: ConfigurationService.References = references)
        async throws -> ConfigurationService.Plan
    {
        try await app.configuration.plan(ConfigurationDocument(text: text, file: "relay.yaml"), references: references, prune: prune)
    }

    @Test("a file builds its connectors, integrations and rules, secrets resolved and sealed; applying it again changes nothing")
    func applyTwice() async throws {
        let app = try Self.app()
        let plan = try await Self.plan(app, Self.file)
        #expect(
            plan.entries.map { "\($0.action.rawValue) \($0.what)" } == [
                "+ connector prod", "+ connector cwpp", "+ integration soc-hook", "+ integration splunk", "+ rule high to soc",
            ])
        #expect(!plan.description.contains("secret-1") && !plan.description.contains("hook-token-1"))
        try await app.configuration.apply(plan)

        let prod = try #require(try await app.connectors.find("prod"))
        #expect(prod.secretKey == Secret("prod-secret-1") && prod.statuses == ["open", "resolved"])
        #expect(try await app.connectors.find("cwpp")?.secretKey == Secret("cwpp-password"))
        let hook = try #require(try await app.integrations.list().first { $0.name == "soc-hook" })
        #expect(hook.config["authToken"] == .string("hook-token-1") && hook.description == "SOC intake")
        #expect(hook.config["headers"]?.arrayValue?.last?["value"] == .string("hook-key-1"))
        let rule = try #require(try await app.rules.list().first)
        #expect(rule.notifyOnResolved && rule.filters.severities == [.high] && rule.integrationIDs.count == 2)

        let again = try await Self.plan(app, Self.file)
        #expect(again.isEmpty, "\(again)")
        #expect(again.description == "No changes: the relay already runs this configuration.")
    }

    @Test("a change shows in the plan field by field, a secret only as changed; --prune removes what the file no longer names")
    func changesAndPrune() async throws {
        let app = try Self.app()
        try await app.configuration.apply(try await Self.plan(app, Self.file))
        var references = Self.references
        references.environment["HOOK_TOKEN"] = "hook-token-2"
        let changed = Self.file.replacingOccurrences(of: "intervalSeconds: 300", with: "intervalSeconds: 900")
            .replacingOccurrences(of: "filters: {severities: [high]}", with: "filters: {severities: [high, medium]}")
        let plan = try await Self.plan(app, changed, references: references)
        #expect(plan.entries.map(\.what) == ["connector prod", "integration soc-hook", "rule high to soc"])
        #expect(plan.entries[0].details == ["intervalSeconds: 300 → 900"])
        #expect(plan.entries[1].details == ["integrationConfig.authToken: changed"])
        #expect(plan.entries[2].details.first?.hasPrefix("filters: ") == true)
        #expect(!plan.description.contains("hook-token"))
        try await app.configuration.apply(plan)
        #expect(try await app.connectors.find("prod")?.intervalSeconds == 900)

        // Without the rule and the Splunk integration: kept unless pruned.
        let smaller = String(changed[..<changed.range(of: "  - name: splunk")!.lowerBound])
        #expect(try await Self.plan(app, smaller, references: references).isEmpty)
        let pruned = try await Self.plan(app, smaller, prune: true, references: references)
        #expect(pruned.entries.map { "\($0.action.rawValue) \($0.what)" } == ["- rule high to soc", "- integration splunk"])
        try await app.configuration.apply(pruned)
        #expect(try await app.integrations.list().map(\.name) == ["soc-hook"])
        #expect(try await app.rules.list().isEmpty)
    }

    @Test("a bad file names the file, line and field of every problem, and nothing is applied")
    func badFile() async throws {
        let app = try Self.app()
        let bad = """
            connectors:
              - name: prod
                apiURL: https://api2.prismacloud.io
                accessKeyID: k
                secretKey: written-out-secret
                intervalSeconds: 5
                colour: blue
            integrations:
              - name: soc-hook
                integrationType: webhook
                integrationConfig:
                  url: not a url
                  authToken: ${env:MISSING}
            rules:
              - name: r
                integrations: [nowhere]
            """
        do {
            _ = try await Self.plan(app, bad)
            Issue.record("a bad file was accepted")
        } catch let error as ConfigurationFileError {
            let lines = error.description.split(separator: "\n").map(String.init)
            #expect(lines.contains { $0.hasPrefix("relay.yaml:7: connectors[0].colour: is not a key here") }, "\(error)")
            #expect(lines.contains { $0.hasPrefix("relay.yaml:5: connectors[0].secretKey: is a secret written in the file") }, "\(error)")
            #expect(lines.contains { $0.hasPrefix("relay.yaml:6: connectors[0].intervalSeconds:") }, "\(error)")
            #expect(
                lines.contains { $0.hasPrefix("relay.yaml:12: integrations[0].integrationConfig.url: must be an http(s) URL") }, "\(error)")
            #expect(
                lines.contains {
                    $0
                        == "relay.yaml:13: integrations[0].integrationConfig.authToken: refers to the environment variable MISSING, which is not set"
                },
                "\(error)")
            #expect(lines.contains { $0.hasPrefix("relay.yaml:16: rules[0].integrations[0]: nowhere is not an integration") }, "\(error)")
            #expect(!error.description.contains("written-out-secret"))
        }
        #expect(try await app.connectors.list().isEmpty)
        #expect(try await app.integrations.list().isEmpty)
        #expect(throws: ConfigurationFileError.self) { try ConfigurationDocument(text: "connectors: [\n  - name: x", file: "relay.yaml") }
    }

    @Test("a YAML alias is refused at its line and column before anything is read, even aliases of aliases used as keys")
    func aliases() throws {
        let plain = try ConfigurationDocument(text: "rules:\n  - name: r\n    integrations: [a, a]\n", file: "relay.yaml")
        #expect(
            plain.root["rules"]?.arrayValue?.first?["integrations"] == .array([.string("a"), .string("a")]), "equal values are not aliases")
        let aliased = "defaults: &hook {integrationType: webhook}\nintegrations:\n  - *hook\n"
        #expect(
            throws: ConfigurationFileError(
                file: "relay.yaml",
                [.init(line: 3, field: "file", "uses a YAML alias at column 5: aliases are not read here, write the value out")])
        ) { try ConfigurationDocument(text: aliased, file: "relay.yaml") }
        // Nine levels of nine aliases each, 387,420,489 values once expanded, as a value and as keys (whose duplicates
        // the parser looks for by hashing them whole): each took the relay down.
        var bomb = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        for (level, previous) in zip("bcdefghi", "abcdefgh") {
            bomb += "\(level): &\(level) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ", ") + "]\n"
        }
        for tail in ["connectors: *i\n", "? *i\n: 1\n? *h\n: 2\n"] {
            let started = ContinuousClock.now
            #expect(
                throws: ConfigurationFileError(
                    file: "relay.yaml",
                    [.init(line: 2, field: "file", "uses a YAML alias at column 8: aliases are not read here, write the value out")])
            ) { try ConfigurationDocument(text: bomb + tail, file: "relay.yaml") }
            #expect(started.duration(to: .now) < .seconds(1), "refused, not expanded")
        }
    }

    @Test("settings read as the environment variables they stand for, lists joined, each checked as the variable is")
    func settings() async throws {
        let text = """
            settings:
              deliveryMaxAttempts: 12
              deliveryMaxAge: 36h
              outboundAllow: [10.1.0.0/16, "${env:HOOK_HOST}"]
              connectorLease: 45s
            """
        let references = ConfigurationService.References(environment: ["HOOK_HOST": "hooks.internal"], readFile: { _ in nil })
        let document = try ConfigurationDocument(text: text, file: "relay.yaml")
        let settings = try ConfigurationService.settings(of: document, references: references)
        #expect(
            settings == [
                "PRISMA_RELAY_DELIVERY_MAX_ATTEMPTS": "12", "PRISMA_RELAY_DELIVERY_MAX_AGE": "36h",
                "PRISMA_RELAY_OUTBOUND_ALLOW": "10.1.0.0/16,hooks.internal", "PRISMA_RELAY_CONNECTOR_LEASE": "45s",
            ])
        // The plan carries them and says who reads them; the store is not touched.
        let plan = try await Self.plan(try Self.app(), text, references: references)
        #expect(plan.settings == settings && plan.isEmpty)
        #expect(plan.description.hasPrefix("Settings: 4 read by serve --config when it starts"), "\(plan.description)")
        // What the environment sets stays over the file.
        let merged = ConfigurationSettings.environment(["PRISMA_RELAY_DELIVERY_MAX_ATTEMPTS": "3", "HOME": "/root"], under: settings)
        #expect(merged["PRISMA_RELAY_DELIVERY_MAX_ATTEMPTS"] == "3" && merged["PRISMA_RELAY_DELIVERY_MAX_AGE"] == "36h")
        #expect(try DeliverySettings.parse(maxAttempts: nil, maxAge: nil, concurrency: nil, environment: merged).maxAgeSeconds == 36 * 3600)

        let bad = """
            settings:
              deliveryMaxAttempts: 0
              outboundDeny: [private, not-a-range!]
              retries: 3
              deliveryConcurrency: {many: true}
            """
        let refused = #expect(throws: ConfigurationFileError.self) {
            try ConfigurationService.settings(of: ConfigurationDocument(text: bad, file: "relay.yaml"), references: references)
        }
        #expect(
            refused?.description.split(separator: "\n").map(String.init).sorted() == [
                "relay.yaml:2: settings.deliveryMaxAttempts: must be a whole number from 1 to 1000, not \"0\"",
                "relay.yaml:3: settings.outboundDeny: \"not-a-range!\" is neither an address range such as 10.0.0.0/8 nor the word private",
                "relay.yaml:4: settings.retries: is not a key here: use deliveryMaxAttempts, deliveryMaxAge, deliveryConcurrency, deliveryClaimLease, enrichmentHoldBack, shutdownGrace, connectorLease, outboundAllow, outboundDeny, httpsProxy, httpProxy, noProxy, caFile",
                "relay.yaml:5: settings.deliveryConcurrency: must be a value such as 8, 24h or 10.0.0.0/8, or a list of them",
            ], "\(String(describing: refused))")
    }

    @Test("export writes the stored configuration with secrets as references; applying it back changes nothing")
    func exportRoundTrip() async throws {
        let app = try Self.app()
        try await app.configuration.apply(try await Self.plan(app, Self.file))
        let exported = try await app.configuration.export()
        for secret in ["prod-secret-1", "cwpp-password", "hook-token-1", "hook-key-1", "hec-1"] { #expect(!exported.contains(secret)) }
        #expect(exported.contains("secretKey: \"${env:PRISMA_RELAY_PROD_SECRET_KEY}\""), "\(exported)")
        #expect(exported.contains("#   PRISMA_RELAY_SOC_HOOK_AUTH_TOKEN"), "\(exported)")
        let references = ConfigurationService.References(
            environment: [
                "PRISMA_RELAY_PROD_SECRET_KEY": "prod-secret-1", "PRISMA_RELAY_CWPP_SECRET_KEY": "cwpp-password",
                "PRISMA_RELAY_SOC_HOOK_AUTH_TOKEN": "hook-token-1", "PRISMA_RELAY_SOC_HOOK_HEADER_X_API_KEY": "hook-key-1",
                "PRISMA_RELAY_SPLUNK_AUTH_TOKEN": "hec-1",
            ], readFile: { _ in nil })
        let back = try await Self.plan(app, exported, references: references)
        #expect(back.isEmpty, "\(back)\n\(exported)")
    }
}
