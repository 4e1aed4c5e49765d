import AsyncHTTPClient
import Foundation
import HTTPServing
import NIOCore
import NIOHTTP1
import PrismaSim
import Testing

/// After a run that stores, shows, tests and fails deliveries to integrations whose secrets sit in fields, headers
/// and URLs, no secret is anywhere it could be read: the database and its WAL, serve's log, API answers, pages.
@Suite("Secret sweep")
struct SecretSweepTests {
    @Test("no secret is in the database files, the log, any API answer or any console page, URLs' secrets included; the files are 0600")
    func noSecretAnywhere() async throws {
        let cli = try CLI()
        let simulator = PrismaSimulator(configuration: .init(rateLimitPerSecond: nil))
        await simulator.addRecentAlerts(20)
        let sim = try await simulator.serve()
        defer { Task { await sim.stop() } }
        let secrets = [
            "connector": simulator.user.secretKey, "hookToken": "HOOK-BEARER-7f3a9c", "urlToken": "URL-QUERY-TOKEN-51bd",
            "header": "SECURE-HEADER-88e2", "slack": "SLACKTOKEN0123456789abcdef", "teams": "TEAMSSIG-4d4d4d4d",
            "password": "URLPASSWORD-9a9a",
        ]
        _ = try await cli.run(
            ["connector", "add", "--name", "sim", "--url", sim.url, "--key-id", simulator.user.accessKeyID, "--status", "all"],
            environment: ["PRISMA_RELAY_SECRET": secrets["connector"]!])
        // Port 9 has no listener: deliveries and tests fail, and their messages name the URL.
        let configs = [
            (
                "hook", "webhook",
                #"{"url":"http://relay:\#(secrets["password"]!)@127.0.0.1:9/hook?token=\#(secrets["urlToken"]!)","authToken":"\#(secrets["hookToken"]!)","headers":[{"key":"X-Key","value":"\#(secrets["header"]!)","secure":true}]}"#
            ),
            ("chat", "slack", #"{"webhookUrl":"https://hooks.slack.com/services/T000/B000/\#(secrets["slack"]!)"}"#),
            (
                "teams", "microsoft_teams",
                #"{"url":"http://127.0.0.1:9/workflows/x/triggers/manual/paths/invoke?api-version=2016-06-01&sig=\#(secrets["teams"]!)"}"#
            ),
        ]
        let ids = try await cli.addIntegrations(configs)
        for id in ids { #expect(try await cli.run(["rule", "add", "--name", "to-\(id)", "--integration", id]).status == 0) }
        let token = try await cli.run(["token", "create", "sweeper"])
        let keyID = String(try #require(token.stdout.split(separator: "\n").first { $0.hasPrefix("Access key ID: ") }?.dropFirst(15)))
        let apiSecret = String(try #require(token.stdout.split(separator: "\n").first { $0.hasPrefix("Secret key: ") }?.dropFirst(12)))

        let serve = try BackgroundCLI(["serve", "--port", "0"], in: cli)
        let banner = try await serve.waitFor("PrismaRelay serving on http://127.0.0.1:")
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        defer { _ = client.shutdown() }
        var web = Web(base: String(banner.split(separator: " ")[3]), client: client)
        _ = try await serve.waitFor("poll completed")
        try await Task.sleep(for: .seconds(3))  // deliveries are tried and fail
        let auth = [("Authorization", "Bearer \(keyID):\(apiSecret)"), ("Content-Type", "application/json")]
        var answers: [String] = []
        for path in [
            "/integration", "/api/v1/tenant/1/integration", "/api/v1/connectors", "/api/v1/connectors/sim", "/api/v1/connectors/sim/status",
            "/api/v1/keys", "/metrics", "/v2/alert/rule",
        ]
            + ids.flatMap { ["/integration/\($0)", "/api/v1/integrations/\($0)/status", "/api/v1/integrations/\($0)/dead-letters"] }
        {
            let (status, text) = try await web.call(.GET, path, headers: auth)
            #expect(status == 200, "\(path)")
            answers.append(text)
        }
        for id in ids { answers.append(try await web.call(.POST, "/integration/test?id=\(id)", headers: auth).1) }
        answers.append(try await web.call(.POST, "/api/v1/connectors/sim/test", headers: auth).1)
        // The console, signed in.
        let login = try await web.call(.GET, "/console/login")
        let csrf = try #require(login.1.firstMatch(of: /name="csrf" value="([^"]+)"/)?.1).description
        _ = try await web.call(
            .POST, "/console/login", headers: [("Content-Type", "application/x-www-form-urlencoded")],
            body: "csrf=\(csrf)&keyId=\(keyID)&secret=\(apiSecret.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)")
        for path in [
            "/console", "/console/connectors", "/console/connectors/sim/edit", "/console/integrations", "/console/rules", "/console/events",
            "/console/keys",
        ]
            + ids.flatMap { ["/console/integrations/\($0)/edit", "/console/integrations/\($0)/dead-letters"] }
        {
            let (status, page) = try await web.call(.GET, path)
            #expect(status == 200, "\(path)")
            answers.append(page)
        }
        #expect(await serve.terminate() == 0)

        let files = ["", "-wal", "-shm"].map { cli.database + $0 }.filter { FileManager.default.fileExists(atPath: $0) }
        for file in files {
            let mode = (try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? NSNumber)?.intValue
            #expect(mode == 0o600, "\(file) is \(String(mode ?? 0, radix: 8))")
        }
        let stored = files.map { (try? Data(contentsOf: URL(fileURLWithPath: $0))) ?? Data() }
        let log = serve.printed.joined(separator: "\n")
        #expect(
            answers.contains { $0.contains("could not reach http://relay:********@127.0.0.1:9/hook?token=********") },
            "no URL was reported at all")
        for (name, secret) in secrets.merging(["apiKey": apiSecret]) { $1 } {
            #expect(!answers.contains { $0.contains(secret) }, "\(name) in an answer or page")
            #expect(!log.contains(secret), "\(name) in serve's log")
            for data in stored { #expect(data.range(of: Data(secret.utf8)) == nil, "\(name) in the database files") }
        }
    }
}
