/// The relay's four severity bands (seed 001), into which Prisma's five tiers are mapped.
public enum Severity: String, Sendable, Codable, CaseIterable, Comparable {
    case info, low, medium, high

    /// Maps a Prisma Cloud severity tier, case-insensitively: critical and high → high, medium → medium,
    /// low → low, informational → info. A missing or unknown tier is treated as medium so that it is neither
    /// buried nor paged as urgent; the original text is kept in `original_severity`.
    public init(prismaTier: String?) {
        switch prismaTier?.lowercased() {
        case "critical", "high": self = .high
        case "medium": self = .medium
        case "low": self = .low
        case "informational", "info": self = .info
        default: self = .medium
        }
    }

    /// The band's rank, lowest first.
    var rank: Int { Self.allCases.firstIndex(of: self)! }

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}
