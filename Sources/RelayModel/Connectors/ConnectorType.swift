/// The kinds of Prisma Cloud source a connector can collect from.
public enum ConnectorType: String, Sendable, Codable, CaseIterable {
    /// CSPM alerts from the unified alert API (also carries CWPP, CIEM and DSPM findings).
    case cspm
    /// Compute (CWPP) runtime incidents from the Compute console API.
    case compute
}

/// Which alert timestamp a poll window selects on (Prisma's `timeRange.type` filter).
public enum AlertTimeField: String, Sendable, Codable, CaseIterable {
    /// `ALERT_OPENED`: when the alert was (re)opened.
    case opened
    /// `ALERT_UPDATED`: any change, so status changes are collected too.
    case updated
    /// `ALERT_STATUS_UPDATED`: the last status change.
    case statusUpdated = "status_updated"

    /// The value of Prisma's `timeRange.type` filter.
    public var prismaFilterValue: String {
        switch self {
        case .opened: "ALERT_OPENED"
        case .updated: "ALERT_UPDATED"
        case .statusUpdated: "ALERT_STATUS_UPDATED"
        }
    }
}
