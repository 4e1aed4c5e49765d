import Foundation
import HTTPServing
import PrismaSim
import RelayModel
import TestSupport
import Testing

@Suite("Crash safety")
struct CrashTests {
    @Test("serve killed with SIGKILL at random moments while delivering 5,000 events loses none; PagerDuty keeps one incident per alert")
    func killedWhileDelivering() async throws {
        let cli = try CLI()
        let simulator = PrismaSimulator(configuration: .init(seed: 11, rateLimitPerSecond: nil))
        var open = Set<String>()
        for id in await simulator.addRecentAlerts(6_000, hours: 12) where await simulator.alert(id)?["status"]?.stringValue == "open" {
            open.insert(id)
        }
        #expect(open.count > 4_900)
        let sim = try await simulator.serve()
        let hookReceiver = WebhookReceiver(token: "crash-token")
        let hook = try await hookReceiver.serve()
        let pdKey = "0123456789abcdef0123456789abcdef"
        let pager = PagerDutyReceiver(routingKey: pdKey)
        let pd = try await pager.serve()
        defer {
            Task {
                await sim.stop()
                await hook.stop()
                await pd.stop()
            }
        }

        _ = try await cli.run(
            ["connector", "add", "--name", "sim", "--url", sim.url, "--key-id", simulator.user.accessKeyID, "--page-size", "1000"],
            environment: ["PRISMA_RELAY_SECRET": simulator.user.secretKey])
        var ids: [String] = []
        for (name, type, config) in [
            ("hook", "webhook", #"{"url":"\#(hook.url)/hook","authToken":"crash-token"}"#),
            ("pd", "pager_duty", #"{"integrationKey":"\#(pdKey)"}"#),
        ] {
            let file = cli.directory.appendingPathComponent("\(name).json")
            try Data(config.utf8).write(to: file)
            let added = try await cli.run(["integration", "add", "--name", name, "--type", type, "--config-file", file.path])
            ids.append(try #require(added.stdout.split(separator: " ").last?.trimmingCharacters(in: .whitespacesAndNewlines)))
        }
        #expect(try await cli.run(["rule", "add", "--name", "all", "--integration", ids[0], "--integration", ids[1]]).status == 0)

        // Rows a killed process had claimed go back to the queue when the claim runs out: here after 5 s.
        let environment = ["PRISMA_RELAY_PAGERDUTY_URL": pd.url + "/v2/enqueue", "PRISMA_RELAY_DELIVERY_CLAIM_LEASE": "5s"]
        var random = SimRandom(seed: 5)
        var kills = 0
        while kills < 6 {
            let serve = try BackgroundCLI(["serve", "--port", "0"], in: cli, environment: environment)
            _ = try await serve.waitFor("PrismaRelay serving on")
            try await Task.sleep(for: .milliseconds(Int(random.int(in: 300...1_500))))
            await serve.kill()
            kills += 1
        }
        let last = try BackgroundCLI(["serve", "--port", "0"], in: cli, environment: environment)
        // Waited for by progress: a loaded machine runs the debug build's one-event PagerDuty requests far slower.
        try await drain {
            let received = await hookReceiver.received.compactMap { $0.body["native_id"]?.stringValue }
            let incidents = await pager.incidents.count
            return (Set(received).isSuperset(of: open) && incidents >= open.count, [received.count, incidents])
        }
        #expect(await last.terminate() == 0)
        let delivered = Set(await hookReceiver.received.compactMap { $0.body["native_id"]?.stringValue })
        #expect(delivered.symmetricDifference(open).isEmpty, "missing \(open.subtracting(delivered).count)")
        let incidents = await pager.incidents
        #expect(incidents.count == open.count)
        // One incident per alert, keyed by the connector ("sim") and the alert id.
        #expect(Set(incidents.keys) == Set(open.map { "sim/\($0)" }))
        #expect(incidents.values.allSatisfy { $0.status == "triggered" })
    }
}
