import Foundation

extension ConnectorConfig {
    /// The checked, normalized configuration (API URL without trailing slash, statuses lower-cased, `all`
    /// expanded), or every problem found, each naming its field and the fix.
    public func validated() throws(ConfigErrors) -> ConnectorConfig {
        var errors: [ConfigError] = []
        var config = self
        config.name = name.trimmingCharacters(in: .whitespaces)
        if config.name.isEmpty {
            errors.append(ConfigError(field: "name", "is required"))
        } else if config.name.count > 64 || !config.name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }) {
            errors.append(ConfigError(field: "name", "use at most 64 letters, digits, '-', '_' or '.' (got \"\(config.name)\")"))
        }
        switch type == .compute ? Self.checkConsolePath(apiURL) : Self.checkAPIURL(apiURL) {
        case .success(let url): config.apiURL = url
        case .failure(let error): errors.append(error)
        }
        if !runtimeAudits.isEmpty, type != .compute {
            errors.append(ConfigError(field: "runtimeAudits", "are a Compute connector's: the runtime audits are the Compute console's"))
        }
        if includeAuditLogs, type == .compute {
            errors.append(ConfigError(field: "includeAuditLogs", "is for CSPM connectors: the audit log is the Prisma Cloud tenant's"))
        }
        if let computeURL, type == .cspm {
            switch Self.checkConsolePath(computeURL) {
            case .success(let url): config.computeURL = url
            case .failure(let error): errors.append(ConfigError(field: "computeURL", error.message))
            }
        }
        config.accessKeyID = accessKeyID.trimmingCharacters(in: .whitespaces)
        if config.accessKeyID.isEmpty {
            errors.append(ConfigError(field: "accessKeyID", "is required: the access key ID from Settings → Access Control → Access Keys"))
        }
        if secretKey.isEmpty {
            errors.append(ConfigError(field: "secretKey", "is required: the secret shown once when the access key was created"))
        }
        if !(10...86_400).contains(intervalSeconds) {
            errors.append(ConfigError(field: "intervalSeconds", "must be between 10 and 86400 seconds (got \(intervalSeconds))"))
        }
        if !(0...(90 * 86_400)).contains(lookbackSeconds) {
            errors.append(ConfigError(field: "lookbackSeconds", "must be between 0 and 7776000 seconds (90 days) (got \(lookbackSeconds))"))
        }
        if !(0...86_400).contains(overlapSeconds) {
            errors.append(ConfigError(field: "overlapSeconds", "must be between 0 and 86400 seconds (got \(overlapSeconds))"))
        }
        if !(1...AlertQuery.maxLimit).contains(pageSize) {
            errors.append(ConfigError(field: "pageSize", "must be between 1 and 10000, Prisma's largest page (got \(pageSize))"))
        }
        if !(0...1_000).contains(staleAfterPolls) {
            errors.append(
                ConfigError(field: "staleAfterPolls", "must be between 0 (never) and 1000 poll intervals (got \(staleAfterPolls))"))
        }
        if !(0...(30 * 86_400)).contains(quietAfterSeconds) {
            errors.append(
                ConfigError(
                    field: "quietAfterSeconds", "must be between 0 (never) and 2592000 seconds (30 days) (got \(quietAfterSeconds))"))
        }
        if let proxy, let problem = OutboundRoute.proxyRule(proxy) { errors.append(ConfigError(field: "proxy", problem)) }
        errors += OutboundRoute.credentialProblems(proxy: proxy, username: proxyUsername, hasPassword: proxyPassword != nil)
        if let caCertificates, let problem = OutboundRoute.certificatesRule(caCertificates) {
            errors.append(ConfigError(field: "caCertificates", problem))
        }
        if !Self.alertPaths.contains(alertPath) {
            errors.append(
                ConfigError(field: "alertPath", "must be one of \(Self.alertPaths.joined(separator: ", ")) (got \"\(alertPath)\")"))
        }
        var statuses: [String] = []
        for status in self.statuses.map({ $0.lowercased().trimmingCharacters(in: .whitespaces) }) {
            if status == "all" {
                statuses.append(contentsOf: Self.allStatuses)
            } else if Self.allStatuses.contains(status) {
                statuses.append(status)
            } else {
                errors.append(
                    ConfigError(field: "statuses", "unknown status \"\(status)\": use \(Self.allStatuses.joined(separator: ", ")) or all"))
            }
        }
        var seen = Set<String>()
        config.statuses = statuses.filter { seen.insert($0).inserted }
        if self.statuses.isEmpty {
            errors.append(
                ConfigError(field: "statuses", "name at least one status (open, resolved, dismissed, snoozed, pending_resolution or all)"))
        }
        guard errors.isEmpty else { throw ConfigErrors(errors) }
        return config
    }

    /// Warnings that do not stop the connector: a host that is not a documented Prisma Cloud API host; a URL in plain
    /// `http://` to a host other than this machine (the secret key would cross the network unencrypted).
    public var warnings: [String] {
        var warnings: [String] = []
        if type == .cspm, let host = URL(string: apiURL)?.host, PrismaAPIHost.classify(host: host) == .custom {
            warnings.append(
                ErrorSentence(
                    "apiURL: \(host) is not a documented Prisma Cloud API host — fine for a proxy or the simulator; otherwise use your tenant's API URL (System → API Endpoints)",
                    detail: "the documented hosts are \(PrismaAPIHost.documented.joined(separator: ", "))"
                ).description)
        }
        for (field, url) in [("apiURL", apiURL), ("computeURL", computeURL)] {
            guard let url = url.flatMap(URL.init(string:)), url.scheme?.lowercased() == "http", let host = url.host,
                !OutboundPolicy.isThisMachine(host)
            else { continue }
            warnings.append(
                "\(field): \(host) is reached over plain http://, so the secret key crosses the network unencrypted: use https:// unless it is a proxy on a network you trust"
            )
        }
        return warnings
    }

    /// Refuses `http://` to one of Prisma Cloud's own hosts, which answer only over HTTPS.
    static func refusePlainHTTP(_ url: String, host: String) -> ConfigError? {
        guard PrismaAPIHost.isPlainHTTPToPrisma(url) else { return nil }
        return ConfigError(
            field: "apiURL",
            "must start with https://: \(host) answers only over HTTPS, and http:// would send the secret key unencrypted: use https://\(url.dropFirst("http://".count))"
        )
    }

    /// The form of a SaaS Compute console path, for messages.
    static let consolePathExample =
        "https://us-east1.cloud.twistlock.com/us-1-123456789 (Compute → Manage → System → Utilities → Path to Console)"

    /// Checks a Compute console path (SaaS, with its tenant id, or a self-hosted console) and returns it without
    /// a trailing slash.
    static func checkConsolePath(_ text: String) -> Result<String, ConfigError> {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let url = URL(string: trimmed), let scheme = url.scheme?.lowercased(), scheme == "https" || scheme == "http",
            let host = url.host, !host.isEmpty, url.query == nil, url.fragment == nil
        else {
            return .failure(
                ConfigError(field: "apiURL", "\"\(trimmed)\" is not a console path: use the Path to Console, e.g. \(consolePathExample)"))
        }
        if PrismaAPIHost.classify(host: host) != .custom {
            return .failure(
                ConfigError(
                    field: "apiURL",
                    "\(host) is the Prisma Cloud CSPM API or console, not the Compute console: use the Path to Console, e.g. \(consolePathExample)"
                ))
        }
        if let refusal = refusePlainHTTP(trimmed, host: host) { return .failure(refusal) }
        var normalized = trimmed
        while normalized.hasSuffix("/") { normalized.removeLast() }
        if host.lowercased().hasSuffix(".cloud.twistlock.com"), url.path.trimmingCharacters(in: CharacterSet(charactersIn: "/")).isEmpty {
            return .failure(
                ConfigError(field: "apiURL", "\(trimmed) lacks the tenant id: the console path looks like \(consolePathExample)"))
        }
        return .success(normalized)
    }

    /// Checks an API URL and returns it without a trailing slash.
    static func checkAPIURL(_ text: String) -> Result<String, ConfigError> {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else {
            return .failure(
                ConfigError(field: "apiURL", "is required: the API URL from System → API Endpoints, e.g. https://api.prismacloud.io"))
        }
        guard let url = URL(string: trimmed), let scheme = url.scheme?.lowercased(), scheme == "https" || scheme == "http",
            let host = url.host, !host.isEmpty
        else {
            return .failure(ConfigError(field: "apiURL", "\"\(trimmed)\" is not an http(s) URL: use e.g. https://api.prismacloud.io"))
        }
        if case .console(let apiURL) = PrismaAPIHost.classify(host: host) {
            return .failure(ConfigError(field: "apiURL", "\(host) is the Prisma Cloud console, not the API: use \(apiURL)"))
        }
        if let refusal = refusePlainHTTP(trimmed, host: host) { return .failure(refusal) }
        if url.query != nil || url.fragment != nil {
            return .failure(
                ConfigError(
                    field: "apiURL", "must not carry a query or fragment: give only the scheme and host, e.g. https://api.prismacloud.io"))
        }
        var normalized = trimmed
        while normalized.hasSuffix("/") { normalized.removeLast() }
        return .success(normalized)
    }
}
