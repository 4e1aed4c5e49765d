/// Turns a Compute runtime incident (`shared.Incident`, as received) into a `NormalizedEvent`. Pure.
public enum IncidentNormalizer {
    /// Normalizes one incident collected by `connector` at `observedAt` (epoch milliseconds).
    public static func normalize(
        _ incident: JSONValue, connector: String, observedAt: Int64
    ) throws(NormalizationError) -> NormalizedEvent {
        guard case .object(let object) = incident else { throw .notAnObject }
        guard let id = object["_id"]?.stringValue, !id.isEmpty else { throw .missingField("_id") }
        func text(_ key: String) -> String? {
            guard let value = object[key]?.stringValue, !value.isEmpty else { return nil }
            return value
        }
        let audits = object["audits"]?.arrayValue ?? []
        let tier = highestSeverity(audits.compactMap { $0["severity"]?.stringValue })
        let category = text("category") ?? "incident"
        let type = text("type") ?? "host"
        let workload = workloadName(type: type, object: object)
        let auditTimes = audits.compactMap { $0["time"]?.stringValue }.filter { Timestamp.epochMilliseconds(rfc3339: $0) != nil }
        let firstAudit = auditTimes.min { Timestamp.epochMilliseconds(rfc3339: $0)! < Timestamp.epochMilliseconds(rfc3339: $1)! }
        var details = [
            workload.map { "\(workloadNoun(type)) \($0)" }, text("imageName").map { "image \($0)" },
            text("cluster").map { "cluster \($0)" }, text("namespace").map { "namespace \($0)" },
        ].compactMap { $0 }
        if let message = audits.first?["msg"]?.stringValue, !message.isEmpty { details.insert(message, at: 0) }
        return NormalizedEvent(
            id: EventID.make(connector: connector, kind: .incident, nativeID: id, version: id),
            kind: .incident, connector: connector, nativeID: id, version: id,
            status: object["acknowledged"]?.boolValue == true ? "resolved" : "open",
            severity: tier.map { Severity(prismaTier: $0) } ?? .medium, originalSeverity: tier, module: .cwpp,
            title: title(category: category, type: type, workload: workload, cluster: text("cluster")),
            description: details.joined(separator: "; "),
            policy: NormalizedEvent.Policy(
                id: text("profileID"), name: text("customRuleName") ?? audits.first?["ruleName"]?.stringValue,
                type: "workload_incident", subtypes: [category]),
            resource: NormalizedEvent.Resource(
                id: text("resourceID") ?? text("functionID") ?? text("containerID") ?? text("hostname"),
                name: workload, type: type, cloud: text("provider")?.lowercased(), accountID: text("accountID"),
                region: text("region")),
            firstSeen: firstAudit ?? text("time"), lastSeen: text("time"),
            observedAt: Timestamp.rfc3339(epochMilliseconds: observedAt), rawEvent: incident)
    }

    /// The words for each documented incident category.
    public static let categoryNames: [String: String] = [
        "portScanning": "Port scanning", "hijackedProcess": "Hijacked process", "dataExfiltration": "Data exfiltration",
        "kubernetes": "Kubernetes attack", "backdoorAdministrativeAccount": "Backdoor administrative account",
        "backdoorSSHAccess": "Backdoor SSH access", "cryptoMiner": "Crypto miner", "lateralMovement": "Lateral movement",
        "bruteForce": "Brute force", "customRule": "Custom rule match", "alteredBinary": "Altered binary",
        "suspiciousBinary": "Suspicious binary", "executionFlowHijackAttempt": "Execution flow hijack attempt",
        "reverseShell": "Reverse shell", "malware": "Malware", "cloudProvider": "Cloud provider attack",
    ]

    /// "Crypto miner on container nginx in cluster prod".
    static func title(category: String, type: String, workload: String?, cluster: String?) -> String {
        var title = categoryNames[category] ?? words(category)
        title += " on " + workloadNoun(type) + (workload.map { " " + $0 } ?? "")
        if let cluster { title += " in cluster " + cluster }
        return title
    }

    static func workloadNoun(_ type: String) -> String {
        switch type {
        case "container": "container"
        case "function": "function"
        case "appEmbedded": "embedded app"
        case "fargate": "Fargate task"
        default: "host"
        }
    }

    /// The workload's name for people: the app or container for containers, the function, or the host.
    static func workloadName(type: String, object: JSONObject) -> String? {
        func text(_ key: String) -> String? {
            guard let value = object[key]?.stringValue, !value.isEmpty else { return nil }
            return value
        }
        let container = text("containerName").map { $0.hasPrefix("/") ? String($0.dropFirst()) : $0 }
        switch type {
        case "container", "appEmbedded", "fargate": return text("app") ?? container ?? text("hostname")
        case "function": return text("function") ?? text("functionID")
        default: return text("hostname") ?? text("fqdn")
        }
    }

    /// The highest audit severity (case-insensitive), as written.
    static func highestSeverity(_ tiers: [String]) -> String? {
        let order = ["informational", "info", "low", "medium", "high", "critical"]
        return tiers.max { (order.firstIndex(of: $0.lowercased()) ?? -1) < (order.firstIndex(of: $1.lowercased()) ?? -1) }
    }

    /// `portScanning` → "Port scanning".
    static func words(_ camel: String) -> String {
        var out = ""
        for character in camel {
            if character.isUppercase, !out.isEmpty { out += " " + character.lowercased() } else { out.append(character) }
        }
        return out.prefix(1).uppercased() + out.dropFirst()
    }
}
