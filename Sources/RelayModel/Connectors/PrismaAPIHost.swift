import Foundation

/// Prisma Cloud's regional API hosts and the console → API rule (reference §4).
public enum PrismaAPIHost {
    /// The documented API hosts, one per region.
    public static let documented = [
        "api.prismacloud.io", "api2.prismacloud.io", "api3.prismacloud.io", "api4.prismacloud.io",
        "api.anz.prismacloud.io", "api.eu.prismacloud.io", "api2.eu.prismacloud.io", "api.gov.prismacloud.io",
        "api.prismacloud.cn", "api.ca.prismacloud.io", "api.sg.prismacloud.io", "api.uk.prismacloud.io",
        "api.ind.prismacloud.io", "api.jp.prismacloud.io", "api.fr.prismacloud.io", "api.id.prismacloud.io",
    ]

    /// What kind of host an API URL names.
    public enum Kind: Sendable, Equatable {
        /// One of the documented regional API hosts.
        case documented
        /// A console host (`app2.prismacloud.io`); `apiURL` is the API URL that belongs to it.
        case console(apiURL: String)
        /// Any other host: a proxy, a private endpoint or the simulator.
        case custom
    }

    /// Classifies a host name, case-insensitively.
    public static func classify(host: String) -> Kind {
        let host = host.lowercased()
        if documented.contains(host) { return .documented }
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        let isPrisma = host.hasSuffix(".prismacloud.io") || host.hasSuffix(".prismacloud.cn")
        if isPrisma, let first = labels.first, first.hasPrefix("app") {
            // Console app2.eu.prismacloud.io ↔ API api2.eu.prismacloud.io: only the leading label changes.
            let apiHost = "api" + first.dropFirst(3) + "." + labels.dropFirst().joined(separator: ".")
            return .console(apiURL: "https://" + apiHost)
        }
        return .custom
    }

    /// Whether `url` is plain `http://` to one of Prisma Cloud's own hosts (its API and consoles, Compute SaaS
    /// consoles), which answer only over HTTPS: a mistake that would send the secret key unencrypted.
    public static func isPlainHTTPToPrisma(_ url: String) -> Bool {
        guard let url = URLComponents(string: url), url.scheme?.lowercased() == "http", let host = url.host?.lowercased() else {
            return false
        }
        return [".prismacloud.io", ".prismacloud.cn", ".cloud.twistlock.com"].contains { host.hasSuffix($0) }
    }

    /// The console that belongs to an API URL (`https://api2.eu.prismacloud.io` → `https://app2.eu.prismacloud.io`),
    /// or nil for a host that is not Prisma's (a proxy, a private endpoint, the simulator).
    public static func consoleURL(apiURL: String) -> String? {
        guard let host = URLComponents(string: apiURL)?.host?.lowercased(),
            host.hasSuffix(".prismacloud.io") || host.hasSuffix(".prismacloud.cn"), host.hasPrefix("api")
        else { return nil }
        return "https://app" + host.dropFirst(3)
    }

    /// Where an alert is shown in the console: the alert list filtered to its id.
    public static func alertLink(console: String, alertID: String) -> String {
        let filters = JSONValue.object(["alert.id": .array([.string(alertID)])]).jsonString()
        var query = CharacterSet.urlQueryAllowed
        query.remove(charactersIn: "&=+?#\"")
        return console + "/alerts/overview?viewId=default&filters="
            + (filters.addingPercentEncoding(withAllowedCharacters: query) ?? filters)
    }
}
