/// The Prisma Cloud module a finding comes from.
public enum Module: String, Sendable, Codable, CaseIterable {
    case cspm = "CSPM"
    case cwpp = "CWPP"
    case ciem = "CIEM"
    case dspm = "DSPM"

    /// Classifies an alert by its policy type (case-insensitive): `iam` → CIEM, `data` → DSPM, workload,
    /// WAAS, malware and grayware types → CWPP, everything else (config, network, audit_event, anomaly, …) → CSPM.
    public init(policyType: String?) {
        switch policyType?.lowercased() {
        case "iam": self = .ciem
        case "data": self = .dspm
        case "workload_vulnerability", "workload_incident", "waas_event", "malware", "grayware": self = .cwpp
        default: self = .cspm
        }
    }
}
