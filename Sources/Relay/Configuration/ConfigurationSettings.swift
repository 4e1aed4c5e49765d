import RelayModel

/// The `settings:` of a configuration file: the relay's own settings, those `serve` otherwise takes as options or
/// environment variables (delivery limits, the outbound policy, proxies, trusted CAs). Each key is the file's name for
/// one environment variable; `serve --config FILE` starts with them, and an option or a variable that is set takes
/// precedence over the file (flags, then the environment, then the file, then the default).
public enum ConfigurationSettings {
    /// The file's key for each variable, in the order the README lists them.
    public static let keys: [(key: String, variable: String)] = [
        ("deliveryMaxAttempts", DeliverySettings.environmentKeys.maxAttempts),
        ("deliveryMaxAge", DeliverySettings.environmentKeys.maxAge),
        ("deliveryConcurrency", DeliverySettings.environmentKeys.concurrency),
        ("deliveryClaimLease", DeliverySettings.environmentKeys.claimLease),
        ("enrichmentHoldBack", DeliverySettings.environmentKeys.enrichmentHoldBack),
        ("shutdownGrace", DeliverySettings.environmentKeys.shutdownGrace),
        ("connectorLease", Poller.leaseEnvironmentKey),
        ("outboundAllow", OutboundPolicy.environmentKeys.allow),
        ("outboundDeny", OutboundPolicy.environmentKeys.deny),
        ("httpsProxy", "HTTPS_PROXY"),
        ("httpProxy", "HTTP_PROXY"),
        ("noProxy", "NO_PROXY"),
        ("caFile", NetworkSettings.caFileKey),
    ]

    /// `environment` with the file's settings under it: what is set in the environment stays.
    public static func environment(_ environment: [String: String], under settings: [String: String]) -> [String: String] {
        environment.merging(settings) { set, _ in set }
    }

    /// The checks each setting gets, the same as when it comes from the environment.
    static func check(_ environment: [String: String]) -> [ConfigError] {
        var errors: [ConfigError] = []
        do { _ = try DeliverySettings.parse(maxAttempts: nil, maxAge: nil, concurrency: nil, environment: environment) } catch {
            errors += error.errors
        }
        do { _ = try OutboundPolicy.from(environment: environment) } catch { errors += error.errors }
        do { _ = try Poller.leaseSeconds(environment: environment) } catch { errors += error.errors }
        do { _ = try NetworkSettings.from(environment: environment) } catch { errors += error.errors }
        return errors
    }
}

extension ConfigurationService.Reader {
    /// The `settings:` mapping as environment variables, each value checked as the variable would be; a list (of
    /// address ranges) is written as the variable's comma-separated text.
    mutating func settings(_ value: JSONValue?) -> [String: String] {
        guard let value, value != .null else { return [:] }
        guard let object = value.objectValue else {
            problem("settings", "must be a mapping of settings, such as deliveryMaxAttempts: 8")
            return [:]
        }
        refuseUnknown(value, path: "settings", allowed: ConfigurationSettings.keys.map(\.key))
        var environment: [String: String] = [:]
        for (key, variable) in ConfigurationSettings.keys {
            guard let given = object[key], given != .null else { continue }
            let path = "settings.\(key)"
            let text: String?
            switch resolveAll(given, path: path) {
            case .string(let string): text = string
            case .number(let number): text = number
            case .array(let items) where items.allSatisfy({ $0.stringValue != nil }):
                text = items.compactMap(\.stringValue).joined(separator: ",")
            default: text = nil
            }
            guard let text else {
                problem(path, "must be a value such as 8, 24h or 10.0.0.0/8, or a list of them")
                continue
            }
            environment[variable] = text
            for error in ConfigurationSettings.check([variable: text]) {
                // The checks name the option and the variable; in a file, the key is the field.
                problem(path, error.message)
            }
        }
        return environment
    }
}
