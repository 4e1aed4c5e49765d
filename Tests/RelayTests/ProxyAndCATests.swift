import Foundation
import HTTPServing
import NIOSSL
import PrismaSim
import Relay
import RelayModel
import TestSupport
import Testing

@Suite("Proxies and private CAs: through a real proxy, with a test CA", .serialized)
struct ProxyAndCATests {
    /// The store queues by the wall clock; the engine claims by the rig's.
    static func catchUp(_ rig: Rig) {
        rig.clock.advance(milliseconds: max(0, Int64(Date().timeIntervalSince1970 * 1000) - rig.clock.now + 1_000))
    }

    @Test(
        "through the environment's proxy a connector polls and a webhook is delivered, every request in the proxy's log; NO_PROXY goes direct; with the proxy down nothing goes around it"
    )
    func environmentProxy() async throws {
        let proxy = try await TinyProxy.start()
        let server = try ProxyServer.parse(proxy.url).get()
        // NO_PROXY sends 127.0.0.0/8 direct: the simulator and the receiver are reached through the proxy by the
        // name localhost (which the proxy resolves), and directly by their address.
        let rig = try await Rig.start(
            network: NetworkSettings(proxies: ProxyEnvironment(https: server, http: server, noProxy: ["127.0.0.0/8"])))
        defer { Task { await rig.stop() } }
        let receiver = WebhookReceiver(token: "tok")
        let hook = try await receiver.serve()
        defer { Task { await hook.stop() } }
        func named(_ url: String) -> String { url.replacingOccurrences(of: "127.0.0.1", with: "localhost") }

        await rig.simulator.addRecentAlerts(20, hours: 1)
        var config = rig.config(statuses: ["open"])
        config.apiURL = named(config.apiURL)
        try await rig.app.connectors.add(config)
        let proxied = try await rig.app.integrations.create(.webhook("via-proxy", url: named(hook.url) + "/hook"), by: "test")
        let direct = try await rig.app.integrations.create(.webhook("direct", url: hook.url + "/hook"), by: "test")
        _ = try await rig.app.rules.create(RuleService.Draft(name: "all", integrationIDs: [proxied.id]))
        let report = try await rig.app.connectors.poll("prod")
        #expect(report.error == nil && report.added > 0, "\(String(describing: report.error))")
        Self.catchUp(rig)
        while try await rig.app.integrations.deliverDue(proxied) > 0 {}
        #expect(try await rig.app.deliveries.failures(of: proxied.id).isEmpty)
        let delivered = await receiver.received.count
        #expect(delivered == report.added, "\(delivered)")

        // Every connection went through the proxy: a tunnel to the simulator, and one to the receiver.
        let requests = proxy.requests()
        #expect(Set(requests) == ["CONNECT localhost:\(rig.server.port)", "CONNECT localhost:\(hook.port)"], "\(requests)")

        // NO_PROXY: the address is reached directly, and the proxy never hears of it.
        let test = try await rig.app.integrations.test(id: direct.id)
        #expect(test.success, "\(test.description)")
        #expect(await receiver.received.count == report.added + 1)
        #expect(proxy.requests() == requests)

        // The proxy stops: the poll fails, saying the proxy is unreachable, and the simulator hears nothing.
        proxy.stop()
        try await Task.sleep(for: .milliseconds(200))
        let heard = await rig.simulator.requestLog.count
        let failed = try await rig.app.connectors.test("prod")
        #expect(!failed.success)
        #expect(failed.message.hasPrefix("The proxy \(server) could not be reached"), "\(failed.message)")
        #expect(await rig.simulator.requestLog.count == heard)
    }

    @Test(
        "a connector's or an integration's own proxy: one that wants credentials says so until they are given; one that refuses the tunnel says so; direct bypasses the environment's"
    )
    func ownProxy() async throws {
        let guarded = try await TinyProxy.start(credentials: ("relay", "proxy-pass"))
        // The environment's proxy tunnels only to port 443.
        let strict = try await TinyProxy.start(connectPorts: [443])
        let environment = try ProxyServer.parse(strict.url).get()
        let rig = try await Rig.start(network: NetworkSettings(proxies: ProxyEnvironment(https: environment, http: environment)))
        defer { Task { await rig.stop() } }
        let receiver = WebhookReceiver(token: "tok")
        let hook = try await receiver.serve()
        defer { Task { await hook.stop() } }

        var config = rig.config()
        config.proxy = guarded.url
        let refused = await rig.app.connectors.test(config: config)
        #expect(refused.message.hasPrefix("The proxy \(guarded.url) requires authentication (HTTP 407)"), "\(refused.message)")
        // With its user and password the connector polls through it; the password is stored sealed, shown masked, and
        // kept only while the proxy stays the same.
        config.proxyUsername = "relay"
        config.proxyPassword = Secret("proxy-pass")
        try await rig.app.connectors.add(config)
        await rig.simulator.addRecentAlerts(5, hours: 1)
        let polled = try await rig.app.connectors.poll("prod")
        #expect(polled.error == nil && polled.added > 0, "\(String(describing: polled.error))")
        #expect(guarded.requests().contains("CONNECT 127.0.0.1:\(rig.server.port)"))
        let connector = try #require(try await rig.app.connectors.find("prod"))
        #expect(connector.proxyPassword == Secret("proxy-pass"))
        let listed = connector.publicJSON(state: ConnectorState())
        #expect(listed["proxyPassword"] == .string(Secret.mask) && listed["proxyUsername"] == .string("relay"))
        let kept = try ConnectorConfig(
            json: .object(["proxyPassword": .string(Secret.mask), "intervalSeconds": .int(600)]), base: connector)
        #expect(kept.proxyPassword == Secret("proxy-pass"))
        // Moving the proxy needs its password again; moving the proxy or the trusted CAs needs the secret key again.
        #expect(
            throws: ConfigErrors([
                ConfigError(
                    field: "proxyPassword",
                    "give the proxy's password again: the proxy changed, and a stored password is only ever sent to the proxy it was given for"
                )
            ])
        ) {
            try ConnectorConfig(
                json: .object(["proxy": .string("http://elsewhere.example:3128"), "secretKey": .string("given-again")]), base: connector)
        }
        #expect(
            throws: ConfigErrors([
                ConfigError(
                    field: "secretKey",
                    "give the secret key again: caCertificates changed, and a stored secret is only ever sent where it was first given")
            ])
        ) {
            try ConnectorConfig(json: .object(["caCertificates": .string("-----BEGIN CERTIFICATE-----x")]), base: connector)
        }

        let noCredentials = try await rig.app.integrations.test(
            .webhook("h", url: hook.url + "/hook", extra: ["proxy": .string(guarded.url)]))
        #expect(
            !noCredentials.success && noCredentials.description.contains("requires authentication (HTTP 407)"),
            "\(noCredentials.description)")
        let withCredentials = try await rig.app.integrations.create(
            .webhook(
                "h", url: hook.url + "/hook",
                extra: ["proxy": .string(guarded.url), "proxyUsername": .string("relay"), "proxyPassword": .string("proxy-pass")]),
            by: "test")
        let passed = try await rig.app.integrations.test(id: withCredentials.id)
        #expect(passed.success, "\(passed.description)")
        #expect(guarded.requests().contains("CONNECT 127.0.0.1:\(hook.port)"))
        // The proxy's password is a secret like any other: masked wherever the integration is shown.
        let stored = try await rig.app.integrations.get(withCredentials.id)
        let shown = try rig.app.integrations.schema(of: .webhook).masked(stored.config)
        #expect(shown["proxyPassword"] == .string(Secret.mask) && shown["proxy"] == .string(guarded.url))

        let tunnelRefused = try await rig.app.integrations.test(.webhook("s", url: hook.url + "/hook"))
        #expect(
            tunnelRefused.description.hasPrefix("The proxy \(strict.url) refused to connect to 127.0.0.1:\(hook.port)"),
            "\(tunnelRefused.description)")
        let direct = try await rig.app.integrations.test(.webhook("s", url: hook.url + "/hook", extra: ["proxy": .string("direct")]))
        #expect(direct.success, "\(direct.description)")
        #expect(strict.requests() == ["CONNECT 127.0.0.1:\(hook.port)"])

        // A proxy URL with a password in it is refused: the password goes where it is sealed.
        await #expect(throws: IntegrationError.self) {
            _ = try await rig.app.integrations.create(
                .webhook("x", url: hook.url + "/hook", extra: ["proxy": .string("http://u:p@127.0.0.1:3128")]), by: "test")
        }
    }

    @Test(
        "a simulator and a receiver with certificates from a test CA work only when that CA is given, and without it the error says so; mTLS with a client certificate"
    )
    func privateCA() async throws {
        let ca = try await TestCA.make()
        let rig = try await Rig.start(tls: try ca.serverTLS())
        defer { Task { await rig.stop() } }
        #expect(rig.server.url.hasPrefix("https://"))

        var config = rig.config()
        let untrusted = await rig.app.connectors.test(config: config)
        #expect(!untrusted.success)
        #expect(untrusted.message.contains("presented a certificate the relay does not trust"), "\(untrusted.message)")
        #expect(untrusted.message.contains("PRISMA_RELAY_CA_FILE") && untrusted.message.contains("caCertificates"))
        config.caCertificates = ca.caPEM
        let trusted = await rig.app.connectors.test(config: config)
        #expect(trusted.success, "\(trusted.message)")

        // The process-wide CA file does the same for every connector.
        let wide = try await Rig.start(network: NetworkSettings(caFile: ca.caFile), tls: try ca.serverTLS())
        defer { Task { await wide.stop() } }
        #expect(await wide.app.connectors.test(config: wide.config()).success)

        // A receiver that requires a client certificate signed by the CA.
        let receiver = WebhookReceiver(token: "tok")
        let hook = try await receiver.serve(tls: try ca.serverTLS(requireClientCertificate: true))
        defer { Task { await hook.stop() } }
        let url = hook.url + "/hook"
        let withoutCA = try await rig.app.integrations.test(.webhook("m", url: url))
        #expect(withoutCA.description.contains("does not trust"), "\(withoutCA.description)")
        let withoutClient = try await rig.app.integrations.test(.webhook("m", url: url, extra: ["caCertificates": .string(ca.caPEM)]))
        #expect(!withoutClient.success, "\(withoutClient.description)")
        let mutual = try await rig.app.integrations.test(
            .webhook(
                "m", url: url,
                extra: [
                    "caCertificates": .string(ca.caPEM), "clientCertificate": .string(ca.clientCertificatePEM),
                    "clientKey": .string(ca.clientKeyPEM),
                ]))
        #expect(mutual.success, "\(mutual.description)")
        #expect(await receiver.received.count == 1)
    }
}
