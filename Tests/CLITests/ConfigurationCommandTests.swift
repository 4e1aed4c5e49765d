import Foundation
import TestSupport
import Testing

@Suite("apply and export")
struct ConfigurationCommandTests {
    static let file = """
        connectors:
          - name: prod
            apiURL: https://api2.prismacloud.io
            accessKeyID: key-id
            secretKey: ${env:PROD_SECRET}
        integrations:
          - name: soc-hook
            integrationType: webhook
            integrationConfig:
              url: https://hooks.example.com/prisma
              authToken: ${env:HOOK_TOKEN}
        rules:
          - name: high to soc
            filters: {severities: [high]}
            integrations: [soc-hook]
        """

    @Test("the example file applies: the README's walk-through as configuration, secrets from the environment and a file")
    func example() async throws {
        let cli = try CLI()
        let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../examples/relay.yaml")
        let secret = cli.directory.appendingPathComponent("cwpp-secret")
        try Data("cwpp-password\n".utf8).write(to: secret)
        let text = try String(contentsOf: example, encoding: .utf8).replacingOccurrences(of: "/run/secrets/prisma-cwpp", with: secret.path)
        let path = cli.directory.appendingPathComponent("relay.yaml")
        try Data(text.utf8).write(to: path)
        let environment = ["PRISMA_PROD_EU_SECRET": "s1", "SPLUNK_HEC_TOKEN": "s2", "INTAKE_API_KEY": "s3"]
        let applied = try await cli.run(["apply", "-f", path.path, "--yes"], environment: environment)
        #expect(applied.status == 0, "\(applied.stdout)\(applied.stderr)")
        #expect(applied.stdout.contains("Plan: 6 to add, 0 to change, 0 to remove."), "\(applied.stdout)")
        let connectors = try await cli.run(["connector", "list"]).stdout
        #expect(connectors.contains("prod-eu") && connectors.contains("prod-cwpp"))
        let rules = try await cli.run(["rule", "list"]).stdout
        #expect(rules.contains("high-to-splunk") && rules.contains("everything-to-intake"), "\(rules)")
    }

    @Test("apply shows the plan and changes nothing without --yes; with it, applies once; a bad file names its line; export round-trips")
    func applyAndExport() async throws {
        let cli = try CLI()
        let path = cli.directory.appendingPathComponent("relay.yaml")
        try Data(Self.file.utf8).write(to: path)
        let environment = ["PROD_SECRET": "prod-secret-value", "HOOK_TOKEN": "hook-token-value"]

        let planned = try await cli.run(["apply", "-f", path.path], environment: environment)
        #expect(planned.status == 0, "\(planned.stderr)")
        #expect(
            planned.stdout.contains(
                "+ connector prod\n+ integration soc-hook\n+ rule high to soc\nPlan: 3 to add, 0 to change, 0 to remove."))
        #expect(planned.stdout.contains("Nothing was changed: run again with --yes"))
        #expect(try await cli.run(["connector", "list"]).stdout.contains("prod") == false)

        let applied = try await cli.run(["apply", "-f", path.path, "--yes"], environment: environment)
        #expect(applied.status == 0 && applied.stdout.hasSuffix("Applied.\n"), "\(applied.stdout)\(applied.stderr)")
        #expect(try await cli.run(["connector", "list"]).stdout.contains("prod"))
        let again = try await cli.run(["apply", "-f", path.path, "--yes"], environment: environment)
        #expect(again.stdout == "No changes: the relay already runs this configuration.\n", "\(again.stdout)")

        let bad = cli.directory.appendingPathComponent("bad.yaml")
        try Data(Self.file.replacingOccurrences(of: "integrationType: webhook", with: "integrationType: carrier-pigeon").utf8).write(
            to: bad)
        let refused = try await cli.run(["apply", "-f", bad.path, "--yes"], environment: environment)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("bad.yaml:8: integrations[0].integrationType: must be one of"), "\(refused.stderr)")

        let exported = cli.directory.appendingPathComponent("exported.yaml")
        let export = try await cli.run(["export", "-o", exported.path])
        #expect(export.status == 0, "\(export.stderr)")
        let text = try String(contentsOf: exported, encoding: .utf8)
        #expect(!text.contains("prod-secret-value") && !text.contains("hook-token-value"))
        let back = try await cli.run(
            ["apply", "-f", exported.path],
            environment: ["PRISMA_RELAY_PROD_SECRET_KEY": "prod-secret-value", "PRISMA_RELAY_SOC_HOOK_AUTH_TOKEN": "hook-token-value"])
        #expect(back.stdout == "No changes: the relay already runs this configuration.\n", "\(back.stdout)\(back.stderr)\n\(text)")
    }

    @Test("serve --config applies the file at start and again on SIGHUP; a bad file stops the start, and on SIGHUP changes nothing")
    func serveWithConfig() async throws {
        let cli = try CLI()
        let path = cli.directory.appendingPathComponent("relay.yaml")
        let environment = ["PROD_SECRET": "prod-secret-value", "HOOK_TOKEN": "hook-token-value"]
        try Data(Self.file.replacingOccurrences(of: "integrationType: webhook", with: "integrationType: pigeon").utf8).write(to: path)
        let refused = try await cli.run(["serve", "--port", "0", "--config", path.path], environment: environment)
        #expect(refused.status == 1 && refused.stderr.contains("relay.yaml:8: integrations[0].integrationType"), "\(refused.stderr)")

        // A setting out of range stops the start too, named by its line.
        try Data(("settings: {deliveryConcurrency: 500}\n" + Self.file).utf8).write(to: path)
        let badSetting = try await cli.run(["serve", "--port", "0", "--config", path.path], environment: environment)
        #expect(
            badSetting.status == 1
                && badSetting.stderr.contains("relay.yaml:1: settings.deliveryConcurrency: must be a whole number from 1 to 64"),
            "\(badSetting.stderr)")

        try Data(Self.file.utf8).write(to: path)
        let serve = try BackgroundCLI(
            ["serve", "--port", "0", "--config", path.path, "--log-format", "json"], in: cli, environment: environment)
        _ = try await serve.waitFor("PrismaRelay serving on")
        #expect(try await cli.run(["connector", "list", "--json"]).stdout.contains(#""intervalSeconds": 300"#))

        try Data(
            ("settings: {deliveryConcurrency: 8}\n"
                + Self.file.replacingOccurrences(
                    of: "secretKey: ${env:PROD_SECRET}", with: "secretKey: ${env:PROD_SECRET}\n    intervalSeconds: 900")).utf8
        )
        .write(to: path)
        serve.process.send(SIGHUP)
        // The settings a process started with stay until it restarts, and it says so.
        let warned = try await serve.waitFor("take effect when the relay restarts")
        #expect(warned.contains("deliveryConcurrency"), "\(warned)")
        var listed = ""
        for _ in 0..<100 {
            listed = try await cli.run(["connector", "list", "--json"]).stdout
            if listed.contains(#""intervalSeconds": 900"#) { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(listed.contains(#""intervalSeconds": 900"#), "\(serve.printed)")

        try Data("connectors: [oops".utf8).write(to: path)
        serve.process.send(SIGHUP)
        // Logged as one JSON object per line, with the file's problem.
        let logged = try await serve.waitFor("configuration not applied")
        let entry = try #require(try? JSONSerialization.jsonObject(with: Data(logged.utf8)) as? [String: Any], "\(logged)")
        #expect(entry["level"] as? String == "error" && entry["reason"] as? String == "SIGHUP")
        #expect((entry["error"] as? String)?.contains("is not valid YAML or JSON") == true, "\(logged)")
        #expect(serve.process.isRunning)
        #expect(try await cli.run(["connector", "list", "--json"]).stdout.contains(#""intervalSeconds": 900"#))
        #expect(await serve.terminate() == 0)
    }
}
