import AsyncHTTPClient
import Foundation
import HTTPServing
import NIOHTTP1
import PrismaSim
import RelayModel
import TestSupport
import Testing

/// Okta and Tenable configured beside a Splunk integration, end to end through `serve`: the simulated tenant's
/// alerts name its people and hosts, which the test sources know.
@Suite("Enrichment through serve")
struct EnrichmentServeTests {
    static let hecToken = "11111111-2222-3333-4444-555555555555"

    @Test("events routed to Splunk carry enrichment.okta and enrichment.tenable from the sources; the console's event page shows both")
    func enrichedInSplunkAndConsole() async throws {
        let cli = try CLI()
        let simulator = PrismaSimulator(configuration: .init(rateLimitPerSecond: nil))
        var open = 0
        for id in await simulator.addRecentAlerts(40) where await simulator.alert(id)?["status"]?.stringValue == "open" { open += 1 }
        let sim = try await simulator.serve()
        let splunk = SplunkHECReceiver(token: Self.hecToken)
        let okta = SimOkta.knowingSimulatedTenant(token: "okta-api-token")
        let tenable = SimTenable.knowingSimulatedTenant(accessKey: "tenable-access", secretKey: "tenable-secret")
        let servers = [sim, try await splunk.serve(), try await okta.serve(), try await tenable.serve()]
        defer { Task { for server in servers { await server.stop() } } }

        _ = try await cli.run(
            ["connector", "add", "--name", "sim", "--url", sim.url, "--key-id", simulator.user.accessKeyID],
            environment: ["PRISMA_RELAY_SECRET": simulator.user.secretKey])
        let configs = [
            ("hec", "splunk", #"{"url":"\#(servers[1].url)","authToken":"\#(Self.hecToken)"}"#),
            ("idp", "okta", #"{"domain":"example.okta.com","apiToken":"okta-api-token"}"#),
            ("vm", "tenable", #"{"accessKey":"tenable-access","secretKey":"tenable-secret"}"#),
        ]
        let ids = try await cli.addIntegrations(configs)
        #expect(try await cli.run(["rule", "add", "--name", "all", "--integration", ids[0]]).status == 0)
        let token = try await cli.run(["token", "create", "viewer"])
        let keyID = String(try #require(token.stdout.split(separator: "\n").first { $0.hasPrefix("Access key ID: ") }?.dropFirst(15)))
        let secret = String(try #require(token.stdout.split(separator: "\n").first { $0.hasPrefix("Secret key: ") }?.dropFirst(12)))

        let serve = try BackgroundCLI(
            ["serve", "--port", "0"], in: cli,
            environment: ["PRISMA_RELAY_OKTA_URL": servers[2].url, "PRISMA_RELAY_TENABLE_URL": servers[3].url])
        let banner = try await serve.waitFor("PrismaRelay serving on http://127.0.0.1:")
        let deadline = Date().addingTimeInterval(40)
        while await splunk.indexed.count < open, Date() < deadline { try await Task.sleep(for: .milliseconds(200)) }
        let indexed = await splunk.indexed
        #expect(indexed.count == open && open > 0)
        #expect(indexed.allSatisfy { $0["enrichment"]?["okta"]?["users"]?.arrayValue?.count == 1 })
        let onHosts = indexed.filter { $0["enrichment"]?["tenable"]?["hosts"]?.arrayValue?.isEmpty == false }
        #expect(!onHosts.isEmpty, "no instance alert among \(indexed.count)")
        #expect(indexed.allSatisfy { $0["enrichment"]?["okta"]?["error"] == nil && $0["enrichment"]?["tenable"]?["error"] == nil })

        // The console shows an instance alert's enrichment from both sources.
        let shown = try #require(onHosts.first?["id"]?.stringValue)
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        defer { _ = client.shutdown() }
        var web = Web(base: String(banner.split(separator: " ")[3]), client: client)
        let login = try await web.call(.GET, "/console/login")
        let csrf = try #require(login.1.firstMatch(of: /name="csrf" value="([^"]+)"/)?.1).description
        _ = try await web.call(
            .POST, "/console/login", headers: [("Content-Type", "application/x-www-form-urlencoded")],
            body: "csrf=\(csrf)&keyId=\(keyID)&secret=\(secret.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)")
        let (status, page) = try await web.call(.GET, "/console/events/\(shown)")
        #expect(status == 200)
        let login0 = try #require(onHosts.first?["enrichment"]?["okta"]?["users"]?.arrayValue?.first?["login"]?.stringValue)
        #expect(
            page.contains("<h2 style=\"margin-top:0\">Enrichment</h2>") && page.contains("<h3>Okta</h3>")
                && page.contains("<h3>Tenable</h3>"))
        #expect(page.contains(login0) && page.contains("OpenSSL advisory"))
        #expect(await serve.terminate() == 0)
        #expect(!serve.printed.joined().contains("okta-api-token") && !page.contains("tenable-secret"))
    }
}
