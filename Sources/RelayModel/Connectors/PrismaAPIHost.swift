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
}
