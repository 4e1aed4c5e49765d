/// A stream of Compute audits a Compute connector may collect, each its own console route: runtime audits, WAAS
/// (app firewall) audits of each kind of workload, Kubernetes admission and audit-log detections, and Docker/host
/// access audits.
public enum ComputeAuditStream: String, Sendable, CaseIterable, Codable {
    /// Container runtime audits (processes, network, file system).
    case container
    /// Host runtime audits.
    case host
    /// Serverless runtime audits.
    case serverless
    /// App-embedded defenders' runtime audits.
    case appEmbedded = "app-embedded"
    /// WAAS (web application and API security) audits of containers.
    case waas
    /// WAAS audits of hosts.
    case waasHost = "waas-host"
    /// WAAS audits of serverless functions.
    case waasServerless = "waas-serverless"
    /// WAAS audits of app-embedded defenders.
    case waasAppEmbedded = "waas-app-embedded"
    /// WAAS audits of agentless (out-of-band, VPC traffic mirroring) protection.
    case waasAgentless = "waas-agentless"
    /// Kubernetes admission control audits (`admission.Audit`).
    case admission
    /// Kubernetes audit-log detections (`kubeaudit.Audit`).
    case kubernetes
    /// Docker and host access audits (`shared.Audit`).
    case access

    /// The route, under the console path.
    public var path: String {
        switch self {
        case .container, .host, .serverless, .appEmbedded: "/api/v1/audits/runtime/\(rawValue)"
        case .waas: "/api/v1/audits/firewall/app/container"
        case .waasHost: "/api/v1/audits/firewall/app/host"
        case .waasServerless: "/api/v1/audits/firewall/app/serverless"
        case .waasAppEmbedded: "/api/v1/audits/firewall/app/app-embedded"
        case .waasAgentless: "/api/v1/audits/firewall/app/agentless"
        case .admission: "/api/v1/audits/admission"
        case .kubernetes: "/api/v1/audits/kubernetes"
        case .access: "/api/v1/audits/access"
        }
    }

    /// Whether its records are WAAS audits (`shared.AppFirewallAudit`).
    public var isWAAS: Bool { [.waas, .waasHost, .waasServerless, .waasAppEmbedded, .waasAgentless].contains(self) }

    /// Whether its records are runtime audits (`shared.RuntimeAudit`), the kind an incident is made of.
    public var isRuntime: Bool { [.container, .host, .serverless, .appEmbedded].contains(self) }

    /// The Compute permission the route needs, in the console's words.
    public var permission: String {
        switch self {
        case .container: "Monitor > Runtime > Container audits"
        case .host: "Monitor > Runtime > Host audits"
        case .serverless: "Monitor > Runtime > Serverless audits"
        case .appEmbedded: "Monitor > Runtime > App-Embedded audits"
        case .waas, .waasHost, .waasServerless, .waasAppEmbedded, .waasAgentless: "Monitor > WAAS"
        case .admission, .kubernetes: "Monitor > Access > Kubernetes audits"
        case .access: "Monitor > Access > Docker and host access audits"
        }
    }

    /// Its name in the console's forms.
    public var label: String {
        switch self {
        case .container: "Container runtime"
        case .host: "Host runtime"
        case .serverless: "Serverless runtime"
        case .appEmbedded: "App-embedded runtime"
        case .waas: "WAAS (containers)"
        case .waasHost: "WAAS (hosts)"
        case .waasServerless: "WAAS (serverless)"
        case .waasAppEmbedded: "WAAS (app-embedded)"
        case .waasAgentless: "WAAS (agentless)"
        case .admission: "Kubernetes admission"
        case .kubernetes: "Kubernetes audits"
        case .access: "Docker and host access"
        }
    }

    /// The stream an incident's audits belong to, by the incident's `type`.
    public static func runtime(ofIncidentType type: String) -> ComputeAuditStream? {
        switch type {
        case "container", "fargate": .container
        case "host": .host
        case "function": .serverless
        case "appEmbedded": .appEmbedded
        default: nil
        }
    }
}
