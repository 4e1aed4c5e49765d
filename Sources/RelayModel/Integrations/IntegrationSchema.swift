/// What an `integrationConfig` of one type may hold (seed 003's tables, plus the keys Prisma's reference documents
/// beyond them), the rules across its keys, and which keys are fixed once created. Each destination declares its
/// own, beside its code.
public struct IntegrationSchema: Sendable {
    public var type: IntegrationType
    /// The name people know the destination by ("Amazon S3").
    public var displayName: String
    public var fields: [IntegrationField]
    /// Keys an update may not change.
    public var immutableKeys: Set<String>
    /// Keys that say where the secrets are sent (a URL, a host): an update that changes one must give the
    /// secrets again, so a stored secret cannot be walked out by pointing it elsewhere.
    public var destinationKeys: [String]
    /// Rules across keys (the SQS and Service Bus variants, payload switches): the problems found.
    var crossCheck: @Sendable (JSONObject) -> [ConfigError]

    public init(
        _ type: IntegrationType, _ displayName: String, _ fields: [IntegrationField], immutableKeys: Set<String> = [],
        sentTo destinationKeys: [String] = [],
        crossCheck: @escaping @Sendable (JSONObject) -> [ConfigError] = { _ in [] }
    ) {
        self.type = type
        self.displayName = displayName
        self.fields = fields + [Self.maxInFlightField] + Self.networkFields
        self.immutableKeys = immutableKeys
        // Who may read what is sent on the way — the proxy, the CAs trusted to vouch for the far end — is part of
        // where it goes.
        self.destinationKeys = destinationKeys + [Self.proxyKey, Self.caCertificatesKey]
        self.crossCheck = { config in crossCheck(config) + Self.networkCheck(config) }
    }

    /// The relay settings every type has for its way out: its own proxy (or `direct`), the CAs trusted for the far
    /// end besides the system's, and a client certificate for mTLS.
    public static let proxyKey = "proxy"
    public static let caCertificatesKey = "caCertificates"
    static let networkFields = [
        IntegrationField(
            proxyKey, label: "Proxy",
            help:
                "http://host:port of a proxy for this destination alone, or direct to bypass the environment's (relay setting); unset: HTTPS_PROXY and NO_PROXY decide",
            check: OutboundRoute.proxyRule),
        IntegrationField("proxyUsername", label: "Proxy user name", help: "The proxy's user, when it asks for one (relay setting)"),
        IntegrationField("proxyPassword", label: "Proxy password", secret: true, help: "That user's password (relay setting)"),
        IntegrationField(
            caCertificatesKey, label: "CA certificates", multiline: true,
            help:
                "PEM certificates trusted for this destination besides the system's: a private CA, or a TLS-inspecting proxy's (relay setting)",
            check: OutboundRoute.certificatesRule),
        IntegrationField(
            "clientCertificate", label: "Client certificate", multiline: true,
            help: "PEM certificate chain presented when the destination requires mutual TLS (relay setting)",
            check: OutboundRoute.certificatesRule),
        IntegrationField(
            "clientKey", label: "Client key", secret: true, multiline: true,
            help: "The client certificate's PEM private key (relay setting)",
            check: OutboundRoute.privateKeyRule),
    ]

    static func networkCheck(_ config: JSONObject) -> [ConfigError] {
        var errors: [ConfigError] = []
        if present(config, "clientCertificate") != present(config, "clientKey") {
            errors.append(ConfigError(field: path("clientKey"), "and clientCertificate go together: give both, or neither"))
        }
        let credentials = OutboundRoute.credentialProblems(
            proxy: config[proxyKey]?.stringValue, username: config["proxyUsername"]?.stringValue,
            hasPassword: present(config, "proxyPassword"))
        return errors + credentials.map { ConfigError(field: path($0.field), $0.message) }
    }

    /// The relay setting every type has: a cap on the requests in flight to the destination, across every replica.
    public static let maxInFlightKey = "maxInFlight"
    static let maxInFlightField = IntegrationField(
        maxInFlightKey, .count(1...64), label: "Requests in flight at most",
        help: "Requests in flight to this destination at most, across every replica (relay setting); when unset, each "
            + "replica sends up to its delivery concurrency")

    /// The relay setting of the types that carry whole events: a heartbeat event sent at this interval, so that the
    /// receiving side can alarm when they stop.
    public static let heartbeatKey = "heartbeatMinutes"
    public static let heartbeatField = IntegrationField(
        heartbeatKey, .count(1...1_440), label: "Heartbeat every (minutes)",
        help:
            "Sends a heartbeat event (kind: heartbeat) this often, so the receiving side can alarm when they stop (relay setting); unset: none"
    )

    /// The field named `key`.
    public func field(_ key: String) -> IntegrationField? { fields.first { $0.key == key } }

    /// `integrationConfig.<key>` — how errors name a config key.
    public static func path(_ key: String) -> String { "integrationConfig.\(key)" }

    /// Whether a key holds a non-empty value.
    public static func present(_ config: JSONObject, _ key: String) -> Bool {
        switch config[key] {
        case nil, .null: false
        case .string(let text): !text.isEmpty
        default: true
        }
    }

    /// Minutes of alerts per object or file, for the destinations that roll alerts up.
    public static let rollUpIntervals = [15, 30, 60, 180]
}
