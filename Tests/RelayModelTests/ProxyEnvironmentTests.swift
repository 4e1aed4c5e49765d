import Foundation
import RelayModel
import Testing

@Suite("Proxies from the environment, NO_PROXY, and a route's proxy setting")
struct ProxyEnvironmentTests {
    @Test("https_proxy and http_proxy by scheme, the lower-case spelling first; credentials in the URL; no password in its description")
    func variables() throws {
        let proxies = try ProxyEnvironment.from(environment: [
            "https_proxy": "http://relay:s3cret@proxy.corp:3128", "HTTPS_PROXY": "http://other:8080", "HTTP_PROXY": "proxy.corp:3129",
        ])
        let https = try #require(proxies.https)
        #expect(https == ProxyServer(host: "proxy.corp", port: 3128, username: "relay", password: "s3cret"))
        #expect(https.description == "http://proxy.corp:3128")
        #expect(proxies.http == ProxyServer(host: "proxy.corp", port: 3129))
        #expect(proxies.proxy(scheme: "https", host: "api2.prismacloud.io") == https)
        #expect(try ProxyEnvironment.from(environment: [:]) == .none)
    }

    @Test("NO_PROXY: names with their subdomains (a leading dot or not), addresses, CIDR ranges, host:port, and *")
    func noProxy() throws {
        let proxies = try ProxyEnvironment.from(environment: [
            "HTTPS_PROXY": "http://proxy:3128", "NO_PROXY": "internal.corp, .svc.local,10.0.0.0/8, 192.168.1.5,splunk.corp:8088",
        ])
        for host in [
            "internal.corp", "hec.internal.corp", "a.svc.local", "svc.local", "10.2.3.4", "192.168.1.5", "splunk.corp", "SPLUNK.corp",
        ] {
            #expect(proxies.bypasses(host), "\(host)")
        }
        // The instance metadata service is this machine's: never through a proxy.
        #expect(proxies.bypasses("169.254.169.254") && proxies.bypasses("[fd00:ec2::254]"))
        for host in ["corp", "notinternal.corp", "11.0.0.1", "192.168.1.6", "api2.prismacloud.io"] {
            #expect(!proxies.bypasses(host), "\(host)")
        }
        #expect(
            try ProxyEnvironment.from(environment: ["HTTPS_PROXY": "http://p:1", "no_proxy": "*"]).proxy(scheme: "https", host: "x") == nil)
        // An address entry is an address: `::1` (as the test command sets it) sends ::1 direct, not hosts ending in `.1`.
        let loopback = try ProxyEnvironment.from(environment: ["HTTPS_PROXY": "http://p:1", "NO_PROXY": "localhost,127.0.0.0/8,::1"])
        #expect(loopback.bypasses("::1") && loopback.bypasses("[::1]") && loopback.bypasses("127.0.0.1") && loopback.bypasses("localhost"))
        #expect(!loopback.bypasses("10.0.0.1") && !loopback.bypasses("192.168.1.1") && !loopback.bypasses("host.1"))
    }

    @Test("a proxy that cannot be used is refused by its variable's name, in words")
    func refused() throws {
        #expect(throws: ConfigErrors([ConfigError(field: "HTTPS_PROXY", "must name the proxy's port, e.g. http://proxy.corp:3128")])) {
            try ProxyEnvironment.from(environment: ["HTTPS_PROXY": "http://proxy.corp"])
        }
        #expect(
            throws: ConfigErrors([
                ConfigError(
                    field: "https_proxy",
                    "must start with http://: the relay talks to the proxy in plain HTTP and tunnels HTTPS through it with CONNECT (https://… proxies are not supported)"
                )
            ])
        ) { try ProxyEnvironment.from(environment: ["https_proxy": "https://proxy.corp:3128"]) }
        // A password holding a percent sign, written percent-encoded in the URL, is the password as meant.
        #expect(
            try ProxyEnvironment.from(environment: ["HTTPS_PROXY": "http://relay:50%2525off@proxy.corp:3128"]).https?.password == "50%25off"
        )
    }

    @Test("a stored proxy setting: a URL without credentials, or direct; credentials come apart and are added to the route")
    func routeSetting() {
        #expect(OutboundRoute.proxyRule("http://proxy.corp:3128") == nil)
        #expect(OutboundRoute.proxyRule("direct") == nil)
        #expect(OutboundRoute.proxyRule("http://u:p@proxy.corp:3128")?.hasPrefix("must not carry a user or password") == true)
        let route = OutboundRoute(integrationConfig: [
            "proxy": .string("http://proxy.corp:3128"), "proxyUsername": .string("relay"), "proxyPassword": .string("pw"),
        ])
        #expect(route.proxy == .server(ProxyServer(host: "proxy.corp", port: 3128, username: "relay", password: "pw")))
        #expect(!route.description.contains("pw"))
        #expect(OutboundRoute(integrationConfig: ["proxy": .string("DIRECT")]).proxy == .direct)
        #expect(OutboundRoute(integrationConfig: [:]) == .standard)
    }
}
