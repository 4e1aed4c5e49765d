import Foundation

/// A connector's configuration: which tenant to poll, with what key, how often and for which alerts.
///
/// `Codable` covers every field but `secretKey`: the secret is never encoded; the store keeps it encrypted
/// apart and puts it back when it loads the connector.
public struct ConnectorConfig: Sendable, Equatable, Codable {
    /// Unique name, used in events and on the command line.
    public var name: String
    public var type: ConnectorType
    /// CSPM: the tenant's regional API URL, e.g. `https://api2.eu.prismacloud.io` (not the `app…` console URL).
    /// Compute: the console path, e.g. `https://us-east1.cloud.twistlock.com/us-1-123456789`.
    public var apiURL: String
    /// The access key ID (a UUID in Prisma Cloud); the Compute user name.
    public var accessKeyID: String
    /// The access key's secret; the Compute password.
    public var secretKey: Secret
    /// Seconds between polls (default 300, as in seed 001).
    public var intervalSeconds: Int
    /// The alert statuses collected (default `open`, as in seed 001).
    public var statuses: [String]
    /// How far back the first poll reaches, in seconds (default one day).
    public var lookbackSeconds: Int
    /// How far each window reaches back before the stored cursor, in seconds, for alerts Prisma indexes late.
    public var overlapSeconds: Int
    /// Alerts asked for per page (default 200, at most 10,000).
    public var pageSize: Int
    /// `/v2/alert` (documented, default) or `/alert/v1/alert` (the path seed 001 names).
    public var alertPath: String
    /// The alert timestamp the window selects on (default `updated`, so status changes are seen).
    public var timeField: AlertTimeField
    /// Compute: also collect incidents someone has acknowledged (archived); default no.
    public var includeAcknowledged: Bool
    /// CSPM: also collect the tenant's Compute runtime incidents with the same access key.
    public var includeIncidents: Bool
    /// CSPM: also collect the tenant's audit log (who did what in Prisma Cloud) as `kind: audit` events; the key's
    /// role must be allowed to view audit logs.
    public var includeAuditLogs: Bool = false
    /// Compute: the runtime audit streams collected besides incidents, each as `kind: audit` events.
    public var runtimeAudits: [ComputeAuditStream] = []
    /// Whether analysts may act on its findings in Prisma Cloud through the relay (dismiss, snooze, reopen,
    /// acknowledge). Off by default: the relay only reads unless told.
    public var allowActions = false
    /// CSPM with incidents: the Compute console path; when nil it is asked of the CSPM API (`/meta_info`).
    public var computeURL: String?
    /// Disabled connectors are not polled.
    public var enabled: Bool
    /// Raise a health event when no poll has succeeded for this many poll intervals (default 3; 0: never).
    public var staleAfterPolls: Int = 3
    /// Raise a health event when no poll has added an event for this many seconds (default 0: never).
    public var quietAfterSeconds: Int = 0
    /// The proxy its requests go through (`http://host:port`), or `direct`; unset: the environment's
    /// (`HTTPS_PROXY`, `NO_PROXY`).
    public var proxy: String?
    /// PEM CA certificates trusted for this tenant besides the system's and `PRISMA_RELAY_CA_FILE` (a self-hosted
    /// Compute console, a TLS-inspecting proxy).
    public var caCertificates: String?
    /// The proxy's user, when it asks for one.
    public var proxyUsername: String?
    /// That user's password: like `secretKey`, never encoded; the store seals it with the secret key.
    public var proxyPassword: Secret?

    /// How its requests leave.
    public var route: OutboundRoute {
        OutboundRoute(
            proxy: OutboundRoute.proxy(proxy, username: proxyUsername, password: proxyPassword?.reveal()), caCertificates: caCertificates)
    }

    /// Every status Prisma gives an alert.
    public static let allStatuses = ["open", "resolved", "dismissed", "snoozed", "pending_resolution"]
    /// The alert list paths the connector can call.
    public static let alertPaths = ["/v2/alert", "/alert/v1/alert"]

    public init(
        name: String, type: ConnectorType = .cspm, apiURL: String, accessKeyID: String, secretKey: Secret,
        intervalSeconds: Int = 300, statuses: [String] = ["open"], lookbackSeconds: Int = 86_400,
        overlapSeconds: Int = 120, pageSize: Int = 200, alertPath: String = "/v2/alert",
        timeField: AlertTimeField = .updated, includeAcknowledged: Bool = false, includeIncidents: Bool = false,
        computeURL: String? = nil, enabled: Bool = true
    ) {
        self.includeAcknowledged = includeAcknowledged
        self.includeIncidents = includeIncidents
        self.computeURL = computeURL
        self.name = name
        self.type = type
        self.apiURL = apiURL
        self.accessKeyID = accessKeyID
        self.secretKey = secretKey
        self.intervalSeconds = intervalSeconds
        self.statuses = statuses
        self.lookbackSeconds = lookbackSeconds
        self.overlapSeconds = overlapSeconds
        self.pageSize = pageSize
        self.alertPath = alertPath
        self.timeField = timeField
        self.enabled = enabled
    }

    enum CodingKeys: String, CodingKey {
        case staleAfterPolls, quietAfterSeconds, proxy, caCertificates, proxyUsername, includeAuditLogs, runtimeAudits, allowActions
        case name, type, apiURL, accessKeyID, intervalSeconds, statuses, lookbackSeconds, overlapSeconds, pageSize
        case alertPath, timeField, includeAcknowledged, includeIncidents, computeURL, enabled
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            name: try c.decode(String.self, forKey: .name),
            type: try c.decodeIfPresent(ConnectorType.self, forKey: .type) ?? .cspm,
            apiURL: try c.decode(String.self, forKey: .apiURL),
            accessKeyID: try c.decode(String.self, forKey: .accessKeyID), secretKey: Secret(""),
            intervalSeconds: try c.decodeIfPresent(Int.self, forKey: .intervalSeconds) ?? 300,
            statuses: try c.decodeIfPresent([String].self, forKey: .statuses) ?? ["open"],
            lookbackSeconds: try c.decodeIfPresent(Int.self, forKey: .lookbackSeconds) ?? 86_400,
            overlapSeconds: try c.decodeIfPresent(Int.self, forKey: .overlapSeconds) ?? 120,
            pageSize: try c.decodeIfPresent(Int.self, forKey: .pageSize) ?? 200,
            alertPath: try c.decodeIfPresent(String.self, forKey: .alertPath) ?? "/v2/alert",
            timeField: try c.decodeIfPresent(AlertTimeField.self, forKey: .timeField) ?? .updated,
            includeAcknowledged: try c.decodeIfPresent(Bool.self, forKey: .includeAcknowledged) ?? false,
            includeIncidents: try c.decodeIfPresent(Bool.self, forKey: .includeIncidents) ?? false,
            computeURL: try c.decodeIfPresent(String.self, forKey: .computeURL),
            enabled: try c.decodeIfPresent(Bool.self, forKey: .enabled) ?? true)
        staleAfterPolls = try c.decodeIfPresent(Int.self, forKey: .staleAfterPolls) ?? 3
        quietAfterSeconds = try c.decodeIfPresent(Int.self, forKey: .quietAfterSeconds) ?? 0
        proxy = try c.decodeIfPresent(String.self, forKey: .proxy)
        caCertificates = try c.decodeIfPresent(String.self, forKey: .caCertificates)
        proxyUsername = try c.decodeIfPresent(String.self, forKey: .proxyUsername)
        includeAuditLogs = try c.decodeIfPresent(Bool.self, forKey: .includeAuditLogs) ?? false
        runtimeAudits = try c.decodeIfPresent([ComputeAuditStream].self, forKey: .runtimeAudits) ?? []
        allowActions = try c.decodeIfPresent(Bool.self, forKey: .allowActions) ?? false
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(type, forKey: .type)
        try c.encode(apiURL, forKey: .apiURL)
        try c.encode(accessKeyID, forKey: .accessKeyID)
        try c.encode(intervalSeconds, forKey: .intervalSeconds)
        try c.encode(statuses, forKey: .statuses)
        try c.encode(lookbackSeconds, forKey: .lookbackSeconds)
        try c.encode(overlapSeconds, forKey: .overlapSeconds)
        try c.encode(pageSize, forKey: .pageSize)
        try c.encode(alertPath, forKey: .alertPath)
        try c.encode(timeField, forKey: .timeField)
        try c.encode(includeAcknowledged, forKey: .includeAcknowledged)
        try c.encode(includeIncidents, forKey: .includeIncidents)
        try c.encodeIfPresent(computeURL, forKey: .computeURL)
        try c.encode(enabled, forKey: .enabled)
        try c.encode(staleAfterPolls, forKey: .staleAfterPolls)
        try c.encode(quietAfterSeconds, forKey: .quietAfterSeconds)
        try c.encodeIfPresent(proxy, forKey: .proxy)
        try c.encodeIfPresent(caCertificates, forKey: .caCertificates)
        try c.encodeIfPresent(proxyUsername, forKey: .proxyUsername)
        try c.encode(includeAuditLogs, forKey: .includeAuditLogs)
        try c.encode(runtimeAudits, forKey: .runtimeAudits)
        try c.encode(allowActions, forKey: .allowActions)
    }
}
