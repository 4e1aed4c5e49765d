/// What an alert rule may require of an event's enrichment (`filters.enrichment`): checked as the event is about to
/// be delivered, once the enrichment sources have answered. A source that could not answer meets no condition.
public enum EnrichmentCondition: String, CaseIterable, Sendable, Codable {
    /// An Okta user the alert names holds an admin role.
    case oktaAdmin = "okta.admin"
    /// An Okta user the alert names has no MFA factor enrolled.
    case oktaNoMFA = "okta.no_mfa"
    /// An Okta user the alert names is not active (suspended, locked out, deprovisioned …).
    case oktaInactive = "okta.inactive"
    /// A host the alert names has critical vulnerabilities (Tenable critical, Qualys severity 5).
    case hostCritical = "host.critical_vulnerabilities"
    /// A host the alert names has high or critical vulnerabilities (Tenable high or critical, Qualys 4 or 5).
    case hostHigh = "host.high_vulnerabilities"

    /// Whether the condition holds for an event's `enrichment`.
    public func holds(in enrichment: JSONObject) -> Bool {
        let users = enrichment["okta"]?["users"]?.arrayValue ?? []
        let tenable = enrichment["tenable"]?["hosts"]?.arrayValue ?? []
        let qualys = enrichment["qualys"]?["hosts"]?.arrayValue ?? []
        func count(_ host: JSONValue, _ keys: [String], in field: String) -> Int64 {
            keys.compactMap { host[field]?[$0]?.int64Value }.reduce(0, +)
        }
        switch self {
        case .oktaAdmin: return users.contains { $0["isAdmin"]?.boolValue == true }
        case .oktaNoMFA: return users.contains { $0["mfaFactors"]?.arrayValue?.isEmpty == true }
        case .oktaInactive: return users.contains { ($0["status"]?.stringValue).map { $0 != "ACTIVE" } ?? false }
        case .hostCritical:
            return tenable.contains { count($0, ["critical"], in: "vulnerabilities") > 0 }
                || qualys.contains { count($0, ["5"], in: "detections") > 0 }
        case .hostHigh:
            return tenable.contains { count($0, ["critical", "high"], in: "vulnerabilities") > 0 }
                || qualys.contains { count($0, ["5", "4"], in: "detections") > 0 }
        }
    }

    /// The names, for messages.
    public static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }
}
