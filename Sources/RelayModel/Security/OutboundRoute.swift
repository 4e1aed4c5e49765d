/// How one connector's or integration's requests leave: through which proxy (the environment's, none, or its own)
/// and with which TLS trust and identity beyond the process's — CA certificates for a TLS-inspecting proxy or a
/// self-hosted server, and a client certificate where the far end asks for one (mTLS). Its secrets never print.
public struct OutboundRoute: Sendable, Hashable, CustomStringConvertible {
    public enum Proxy: Sendable, Hashable {
        /// The environment's proxy for the URL's scheme, unless `no_proxy` names the host.
        case environment
        /// Direct, whatever the environment says.
        case direct
        /// This proxy.
        case server(ProxyServer)
    }

    public var proxy: Proxy
    /// PEM certificates trusted besides the system's (and the process's CA file).
    public var caCertificates: String?
    /// PEM certificate chain presented when the server asks for one.
    public var clientCertificate: String?
    /// Its PEM private key.
    public var clientKey: String?

    public init(proxy: Proxy = .environment, caCertificates: String? = nil, clientCertificate: String? = nil, clientKey: String? = nil) {
        self.proxy = proxy
        self.caCertificates = caCertificates
        self.clientCertificate = clientCertificate
        self.clientKey = clientKey
    }

    /// The route an `integrationConfig`'s relay settings describe.
    public init(integrationConfig config: JSONObject) {
        func text(_ key: String) -> String? { config[key]?.stringValue.flatMap { $0.isEmpty ? nil : $0 } }
        self.init(
            proxy: Self.proxy(text("proxy"), username: text("proxyUsername"), password: text("proxyPassword")),
            caCertificates: text("caCertificates"), clientCertificate: text("clientCertificate"), clientKey: text("clientKey"))
    }

    /// The process's defaults alone.
    public static let standard = OutboundRoute()

    /// The word that sends a connector or an integration direct although the environment names a proxy.
    public static let directWord = "direct"

    /// The route a stored `proxy` setting with its credentials describes (already checked when it was stored).
    public static func proxy(_ text: String?, username: String?, password: String?) -> Proxy {
        guard let text, !text.isEmpty else { return .environment }
        if text.lowercased() == directWord { return .direct }
        guard case .success(var server) = ProxyServer.parse(text, allowCredentials: false) else { return .environment }
        if let username, !username.isEmpty {
            server.username = username
            server.password = password ?? ""
        }
        return .server(server)
    }

    /// The rule a stored `proxy` setting meets: a proxy URL without credentials, or `direct`.
    public static let proxyRule: @Sendable (String) -> String? = { text in
        if text.lowercased() == directWord { return nil }
        if case .failure(let error) = ProxyServer.parse(text, allowCredentials: false) { return error.message + ", or the word direct" }
        return nil
    }

    /// What is wrong with a proxy's credentials as given (fields named `proxy`, `proxyUsername`): a password needs its
    /// user, and a user the proxy it is for. One rule for connectors and integrations.
    public static func credentialProblems(proxy: String?, username: String?, hasPassword: Bool) -> [ConfigError] {
        var errors: [ConfigError] = []
        let user = !(username ?? "").isEmpty
        if hasPassword, !user { errors.append(ConfigError(field: "proxyUsername", "is required with proxyPassword")) }
        if user, (proxy ?? "").isEmpty || proxy?.lowercased() == directWord {
            errors.append(ConfigError(field: "proxy", "is required with proxyUsername: the proxy the user name is for"))
        }
        return errors
    }

    /// The rule PEM certificate text meets (whether each parses is learnt when the first request is made).
    public static let certificatesRule: @Sendable (String) -> String? = { text in
        text.contains("-----BEGIN CERTIFICATE-----")
            ? nil : "must be PEM certificates, each from -----BEGIN CERTIFICATE----- to -----END CERTIFICATE-----"
    }

    /// The rule a PEM private key meets.
    public static let privateKeyRule: @Sendable (String) -> String? = { text in
        text.contains("-----BEGIN") && text.contains("PRIVATE KEY-----")
            ? nil : "must be a PEM private key, from -----BEGIN PRIVATE KEY----- (or RSA/EC PRIVATE KEY) to its END line"
    }

    public var description: String {
        var parts: [String] = []
        switch proxy {
        case .environment: parts.append("proxy from the environment")
        case .direct: parts.append("direct")
        case .server(let server): parts.append("proxy \(server)")
        }
        if caCertificates != nil { parts.append("own CA certificates") }
        if clientCertificate != nil { parts.append("client certificate") }
        return parts.joined(separator: ", ")
    }
}
