import Foundation
import RelayModel
import Testing

@Suite("Connector configuration")
struct ConnectorConfigTests {
    func config(
        name: String = "prod-us", apiURL: String = "https://api.prismacloud.io/", keyID: String = "a1b2c3d4-0000-1111-2222-333344445555",
        secret: String = "s3cret"
    ) -> ConnectorConfig {
        ConnectorConfig(name: name, apiURL: apiURL, accessKeyID: keyID, secretKey: Secret(secret))
    }

    func errors(_ config: ConnectorConfig) -> [ConfigError] {
        do {
            _ = try config.validated()
            return []
        } catch {
            return error.errors
        }
    }

    @Test("a valid configuration gets the seed's defaults and loses the trailing slash")
    func defaults() throws {
        let valid = try config().validated()
        #expect(valid.apiURL == "https://api.prismacloud.io")
        #expect(valid.intervalSeconds == 300)
        #expect(valid.statuses == ["open"])
        #expect(valid.pageSize == 200)
        #expect(valid.alertPath == "/v2/alert")
        #expect(valid.warnings.isEmpty)
    }

    @Test("a missing access key ID is refused naming the field")
    func missingKey() {
        #expect(errors(config(keyID: " ")).map(\.field) == ["accessKeyID"])
        #expect(errors(config(secret: "")).map(\.field) == ["secretKey"])
    }

    @Test(
        "something that is not a URL is refused naming apiURL",
        arguments: ["api.prismacloud.io", "ftp://api.prismacloud.io", "not a url", ""])
    func notAURL(url: String) {
        let found = errors(config(apiURL: url))
        #expect(found.map(\.field) == ["apiURL"])
    }

    @Test(
        "a console URL is refused with the API URL to use",
        arguments: [
            ("https://app.prismacloud.io", "https://api.prismacloud.io"),
            ("https://app2.eu.prismacloud.io/", "https://api2.eu.prismacloud.io"),
            ("https://app.prismacloud.cn", "https://api.prismacloud.cn"),
            ("https://app.gov.prismacloud.io", "https://api.gov.prismacloud.io"),
        ])
    func consoleURL(console: String, api: String) {
        let found = errors(config(apiURL: console))
        #expect(found.count == 1)
        #expect(found.first?.field == "apiURL")
        #expect(found.first?.message.contains("is the Prisma Cloud console, not the API: use \(api)") == true)
    }

    @Test("an undocumented host is allowed with a warning that lists the documented hosts")
    func customHost() throws {
        let valid = try config(apiURL: "http://127.0.0.1:8181").validated()
        #expect(valid.warnings.count == 1)
        #expect(valid.warnings[0].contains("api2.eu.prismacloud.io"))
        #expect(valid.warnings[0].contains("fine for a proxy or the simulator"))
    }

    @Test(
        "http:// to Prisma Cloud's own hosts is refused with the https:// URL to use: the secret key would cross unencrypted",
        arguments: [
            ("http://api.prismacloud.io", ConnectorType.cspm, "https://api.prismacloud.io"),
            ("http://api2.eu.prismacloud.io/", .cspm, "https://api2.eu.prismacloud.io/"),
            ("http://us-east1.cloud.twistlock.com/us-1-123456789", .compute, "https://us-east1.cloud.twistlock.com/us-1-123456789"),
        ])
    func plainHTTPToPrisma(url: String, type: ConnectorType, secure: String) {
        var plain = config(apiURL: url)
        plain.type = type
        let found = errors(plain)
        #expect(found.map(\.field) == ["apiURL"])
        #expect(found.first?.message.hasPrefix("must start with https://") == true)
        #expect(found.first?.message.hasSuffix("unencrypted: use \(secure)") == true, "\(found)")
        var compute = config()
        compute.computeURL = "http://us-east1.cloud.twistlock.com/us-1-123456789"
        #expect(errors(compute).map(\.field) == ["computeURL"])
    }

    @Test("http:// to another host is allowed with a warning unless the host is this machine (the simulator)")
    func plainHTTPElsewhere() throws {
        let proxied = try config(apiURL: "http://prisma-proxy.corp.example:8080").validated()
        #expect(proxied.warnings.count == 2)
        #expect(
            proxied.warnings.last
                == "apiURL: prisma-proxy.corp.example is reached over plain http://, so the secret key crosses the network unencrypted: use https:// unless it is a proxy on a network you trust"
        )
        for local in ["http://127.0.0.1:8181", "http://localhost:8181", "http://[::1]:8181", "https://prisma-proxy.corp.example"] {
            #expect(try config(apiURL: local).validated().warnings.count == 1, "\(local): only the undocumented-host warning")
        }
    }

    @Test("every documented API host is accepted without warning")
    func documentedHosts() throws {
        for host in PrismaAPIHost.documented {
            #expect(try config(apiURL: "https://\(host)").validated().warnings.isEmpty)
        }
    }

    @Test("out-of-range numbers, unknown statuses and paths are all reported at once")
    func manyErrors() {
        var bad = config(name: "bad name!")
        bad.pageSize = 10_001
        bad.intervalSeconds = 1
        bad.statuses = ["open", "closed"]
        bad.alertPath = "/alert"
        let fields = Set(errors(bad).map(\.field))
        #expect(fields == ["name", "pageSize", "intervalSeconds", "statuses", "alertPath"])
    }

    @Test("status all expands to every Prisma status")
    func allStatuses() throws {
        var all = config()
        all.statuses = ["ALL"]
        #expect(try all.validated().statuses == ConnectorConfig.allStatuses)
    }

    @Test("the secret never appears when the configuration is printed or encoded")
    func secretNeverPrinted() throws {
        let secret = "very-secret-value"
        let c = config(secret: secret)
        #expect(!"\(c)".contains(secret))
        #expect(!String(reflecting: c).contains(secret))
        let encoded = String(decoding: try JSONEncoder().encode(c), as: UTF8.self)
        #expect(!encoded.contains(secret))
        #expect(c.secretKey.reveal() == secret)
    }
}
