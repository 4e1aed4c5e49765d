import Foundation

/// An HTTP proxy requests go through (`http://[user:password@]host:port`): HTTPS is tunnelled with `CONNECT`, as
/// every client does. Its password never prints: `description` is the proxy without credentials.
public struct ProxyServer: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var username: String?
    /// Sent only in `Proxy-Authorization`, to the proxy.
    public var password: String?

    public init(host: String, port: Int, username: String? = nil, password: String? = nil) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
    }

    /// A proxy from its URL, or what is wrong with it in words. Credentials in the URL are taken (the environment's
    /// `HTTPS_PROXY` carries them so) unless `allowCredentials` is false (a stored setting keeps them apart, sealed).
    public static func parse(_ text: String, allowCredentials: Bool = true) -> Result<ProxyServer, ConfigError> {
        let text = text.trimmingCharacters(in: .whitespaces)
        // A bare host:port is read as http://host:port, as curl reads it.
        guard let components = URLComponents(string: text.contains("://") ? text : "http://\(text)"),
            let host = components.host, !host.isEmpty
        else {
            return .failure(ConfigError(field: "proxy", "must be a proxy URL such as http://proxy.example.com:3128"))
        }
        guard components.scheme?.lowercased() == "http" else {
            return .failure(
                ConfigError(
                    field: "proxy",
                    "must start with http://: the relay talks to the proxy in plain HTTP and tunnels HTTPS through it with CONNECT (\(components.scheme ?? "?")://… proxies are not supported)"
                ))
        }
        guard let port = components.port else {
            return .failure(ConfigError(field: "proxy", "must name the proxy's port, e.g. http://\(host):3128"))
        }
        guard components.path.isEmpty || components.path == "/", components.query == nil else {
            return .failure(ConfigError(field: "proxy", "must be only http://host:port, without a path or query"))
        }
        if !allowCredentials, components.user != nil || components.password != nil {
            return .failure(
                ConfigError(
                    field: "proxy", "must not carry a user or password: give them in proxyUsername and proxyPassword, which are kept sealed"
                ))
        }
        return .success(
            ProxyServer(
                host: host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")), port: port,
                // `user` and `password` come decoded already: decoding again would change a password holding "%".
                username: components.user, password: components.password))
    }

    public var description: String {
        let shown = host.contains(":") ? "[\(host)]" : host
        return "http://\(shown):\(port)"
    }
}

/// The proxies the environment names, as every tool reads them: `https_proxy` / `HTTPS_PROXY` for https URLs,
/// `http_proxy` / `HTTP_PROXY` for http URLs (the lower-case spelling first), and `no_proxy` / `NO_PROXY` for the
/// hosts that go direct — names (a name covers its subdomains; a leading dot too), addresses, CIDR ranges, or `*`.
public struct ProxyEnvironment: Sendable, Equatable {
    public var https: ProxyServer?
    public var http: ProxyServer?
    public var noProxy: [String]

    public init(https: ProxyServer? = nil, http: ProxyServer? = nil, noProxy: [String] = []) {
        self.https = https
        self.http = http
        self.noProxy = noProxy
    }

    public static let none = ProxyEnvironment()

    static let linkLocal = ["169.254.0.0/16", "fe80::/10", "fd00:ec2::254"].compactMap(IPRange.init)

    /// The variables read, each pair in the order it is looked up.
    public static let keys = (
        https: ["https_proxy", "HTTPS_PROXY"], http: ["http_proxy", "HTTP_PROXY"], noProxy: ["no_proxy", "NO_PROXY"]
    )

    /// The proxies `environment` names; a proxy URL that cannot be used is refused by its variable's name.
    public static func from(environment: [String: String]) throws(ConfigErrors) -> ProxyEnvironment {
        var errors: [ConfigError] = []
        func proxy(_ names: [String]) -> ProxyServer? {
            guard let name = names.first(where: { environment[$0]?.isEmpty == false }), let text = environment[name] else { return nil }
            switch ProxyServer.parse(text) {
            case .success(let server): return server
            case .failure(let error):
                errors.append(ConfigError(field: name, error.message))
                return nil
            }
        }
        let found = ProxyEnvironment(
            https: proxy(keys.https), http: proxy(keys.http),
            noProxy: (keys.noProxy.lazy.compactMap { environment[$0] }.first ?? "")
                .split(whereSeparator: { $0 == "," || $0 == " " }).map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
                .filter { !$0.isEmpty })
        guard errors.isEmpty else { throw ConfigErrors(errors) }
        return found
    }

    /// The proxy a request to `host` over `scheme` goes through, or nil when it goes direct.
    public func proxy(scheme: String, host: String) -> ProxyServer? {
        guard let server = scheme.lowercased() == "https" ? https : http else { return nil }
        return bypasses(host) ? nil : server
    }

    /// Whether `no_proxy` sends `host` direct. A link-local address — where cloud instance metadata answers, which
    /// no proxy can reach for this machine — always goes direct.
    public func bypasses(_ host: String) -> Bool {
        let host = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]."))
        let address = IPAddress(host)
        if let address, Self.linkLocal.contains(where: { $0.contains(address) }) { return true }
        for entry in noProxy {
            if entry == "*" { return true }
            // An address or a range matches addresses only (`::1` must not read as a name ending in `1`).
            if let range = IPRange(entry.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))) {
                if let address, range.contains(address) { return true }
                continue
            }
            // A name matches itself and its subdomains; `host:port` entries name the host.
            guard address == nil else { continue }
            var name = String(entry.split(separator: ":").first ?? "")
            if name.hasPrefix(".") { name.removeFirst() }
            guard !name.isEmpty else { continue }
            if host == name || host.hasSuffix("." + name) { return true }
        }
        return false
    }
}
