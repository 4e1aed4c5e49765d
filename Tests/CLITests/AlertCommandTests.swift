import Foundation
import HTTPServing
import PrismaSim
import RelayModel
import Testing

@Suite("prisma-relay alert: actions on findings in Prisma Cloud from the command line")
struct AlertCommandTests {
    @Test("alert dismiss P-… with a note dismisses it in Prisma and alert actions lists it; a bad duration names --for")
    func dismiss() async throws {
        let cli = try CLI()
        let simulator = PrismaSimulator(configuration: .init(rateLimitPerSecond: nil))
        let ids = await simulator.addAlerts(5, start: simulator.now() - 3_600_000, spread: 3_600_000, closedShare: 0)
        let server = try await simulator.serve()
        defer { Task { await server.stop() } }
        let add = try await cli.run(
            ["connector", "add", "--name", "sim", "--url", server.url, "--key-id", simulator.user.accessKeyID, "--status", "all"],
            environment: ["PRISMA_RELAY_SECRET": simulator.user.secretKey])
        #expect(add.status == 0)
        #expect(try await cli.run(["connector", "poll", "sim"]).status == 0)
        let alert = ids[0]

        // Off by default: nothing reaches Prisma, and the error says how to turn actions on.
        let off = try await cli.run(["alert", "dismiss", alert, "--note", "fp"])
        #expect(off.status != 0 && off.stderr.contains("Actions are off for connector sim"), "\(off.stderr)")
        #expect(await simulator.alert(alert)?["status"] == .string("open"))

        let allowed = try await cli.run(
            [
                "connector", "add", "--name", "acting", "--url", server.url, "--key-id", simulator.user.accessKeyID, "--status", "all",
                "--allow-actions",
            ],
            environment: ["PRISMA_RELAY_SECRET": simulator.user.secretKey])
        #expect(allowed.status == 0)
        #expect(try await cli.run(["connector", "poll", "acting"]).status == 0)
        let done = try await cli.run(["alert", "dismiss", alert, "--connector", "acting", "--note", "accepted risk"])
        #expect(done.status == 0 && done.stdout.hasPrefix("Done: Prisma Cloud accepted the dismiss of \(alert)"), "\(done.stderr)")
        #expect(await simulator.alert(alert)?["dismissalNote"] == .string("accepted risk"))
        let listed = try await cli.run(["alert", "actions", alert, "--connector", "acting"])
        #expect(listed.stdout.contains("dismiss") && listed.stdout.contains("CLI user") && listed.stdout.contains("done"))
        // Two connectors collected it: without --connector the command asks which.
        let ambiguous = try await cli.run(["alert", "reopen", alert])
        #expect(ambiguous.status != 0 && ambiguous.stderr.contains("say which with --connector"), "\(ambiguous.stderr)")

        let bad = try await cli.run(["alert", "snooze", ids[1], "--connector", "acting", "--for", "soon"])
        #expect(bad.status != 0 && bad.stderr.contains("--for: \"soon\" is not a duration"), "\(bad.stderr)")
    }
}
