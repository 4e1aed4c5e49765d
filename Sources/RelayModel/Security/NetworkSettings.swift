import Foundation

/// The process's way out, for Prisma Cloud and every destination: the environment's proxies and a CA bundle trusted
/// besides the system's (`PRISMA_RELAY_CA_FILE`, for a TLS-inspecting proxy or self-hosted servers). A connector or an
/// integration may go its own way on top (`OutboundRoute`).
public struct NetworkSettings: Sendable, Equatable {
    public var proxies: ProxyEnvironment
    /// A PEM file of CA certificates.
    public var caFile: String?

    public init(proxies: ProxyEnvironment = .none, caFile: String? = nil) {
        self.proxies = proxies
        self.caFile = caFile
    }

    public static let none = NetworkSettings()

    public static let caFileKey = "PRISMA_RELAY_CA_FILE"

    /// The settings `environment` names; a proxy that cannot be used, or a CA file that cannot be read as PEM
    /// certificates, is refused by its variable's name.
    public static func from(environment: [String: String]) throws(ConfigErrors) -> NetworkSettings {
        var errors: [ConfigError] = []
        var settings = NetworkSettings()
        do { settings.proxies = try ProxyEnvironment.from(environment: environment) } catch { errors += error.errors }
        if let path = environment[caFileKey], !path.isEmpty {
            if let data = FileManager.default.contents(atPath: path) {
                if let problem = OutboundRoute.certificatesRule(String(decoding: data, as: UTF8.self)) {
                    errors.append(ConfigError(field: caFileKey, "\(path) \(problem)"))
                } else {
                    settings.caFile = path
                }
            } else {
                errors.append(ConfigError(field: caFileKey, "\(path) cannot be read: check the path and its permissions"))
            }
        }
        guard errors.isEmpty else { throw ConfigErrors(errors) }
        return settings
    }
}
