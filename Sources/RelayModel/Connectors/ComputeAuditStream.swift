/// A stream of Compute runtime audits a Compute connector may collect, each its own console route.
public enum ComputeAuditStream: String, Sendable, CaseIterable, Codable {
    /// Container runtime audits (processes, network, file system).
    case container
    /// Host runtime audits.
    case host
    /// Serverless runtime audits.
    case serverless
    /// WAAS (web application and API security) audits of containers.
    case waas

    public var path: String {
        switch self {
        case .container: "/api/v1/audits/runtime/container"
        case .host: "/api/v1/audits/runtime/host"
        case .serverless: "/api/v1/audits/runtime/serverless"
        case .waas: "/api/v1/audits/firewall/app/container"
        }
    }

    /// The Compute permission the route needs, in the console's words.
    public var permission: String {
        switch self {
        case .container: "Monitor > Runtime > Container audits"
        case .host: "Monitor > Runtime > Host audits"
        case .serverless: "Monitor > Runtime > Serverless audits"
        case .waas: "Monitor > WAAS"
        }
    }
}
