import Foundation

/// Turns a Compute audit — a container, host, serverless or app-embedded runtime audit (`shared.RuntimeAudit`), a WAAS
/// audit of any workload (`shared.AppFirewallAudit`), a Kubernetes admission audit (`admission.Audit`), a Kubernetes
/// audit-log detection (`kubeaudit.Audit`) or a Docker/host access audit (`shared.Audit`) — into a `kind: audit`,
/// `module: CWPP` event that reads like the console's line: "Crypto miner process blocked in container nginx on host
/// ip-10-0-1-5".
///
/// Identity: the audit's `_id` (an aggregated WAAS audit has none: its `eventID`, time and type stand in); an
/// admission audit's AdmissionReview `uid`; a Kubernetes audit's `auditID`; otherwise a digest of the fields that
/// tell two records apart. Compute updates a runtime or WAAS audit in place — a higher `count`, a later `time` — so
/// the version is the time and the count, and an update is a new version of the same audit.
///
/// Severity: a runtime audit's own `severity` (high, medium, low); without one, and for WAAS and admission, from the
/// effect: block, prevent or ban high; alert medium; anything else low. A Kubernetes audit-log detection is medium; a
/// denied access attempt medium, an allowed one low.
///
/// A runtime audit that belongs to an incident the relay saw (`incidents`: audit `_id` → incident `_id`) carries
/// the incident's id as `incidentID`.
public enum RuntimeAuditNormalizer {
    public static func normalize(
        _ record: JSONValue, stream: ComputeAuditStream, connector: String, observedAt: Int64, incidents: [String: String] = [:]
    ) throws(NormalizationError) -> NormalizedEvent {
        guard record.objectValue != nil else { throw .notAnObject }
        switch stream {
        case .admission, .kubernetes, .access:
            return try access(record, stream: stream, connector: connector, observedAt: observedAt)
        default: break
        }
        func text(_ key: String) -> String? {
            guard let value = record[key]?.stringValue?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
            return value
        }
        guard let time = text("time"), let millis = Timestamp.epochMilliseconds(rfc3339: time) else { throw .missingField("time") }
        let identity: String
        if let id = text("_id") {
            identity = id
        } else if stream.isWAAS, let eventID = text("eventID") {
            identity = EventID.digest([eventID, time, text("type") ?? ""])
        } else {
            throw .missingField("_id")
        }
        let nativeID = "\(stream.rawValue):\(identity)"
        let count = record["count"]?.int64Value ?? 1
        let version = "\(millis)-\(count)"
        let effect = (text("effect") ?? "alert").lowercased()
        let kindOfAttack = text("attackType") ?? text("type") ?? "audit"
        let severity: Severity
        switch text("severity")?.lowercased() {
        case "high", "critical": severity = .high
        case "medium": severity = .medium
        case "low": severity = .low
        default: severity = ["block", "prevent", "ban"].contains(effect) ? .high : effect == "alert" ? .medium : .low
        }
        let container = text("containerName").map { $0.hasPrefix("/") ? String($0.dropFirst()) : $0 }
        let host = text("hostname")
        let function = text("function")
        var place: [String] = []
        if let container { place.append("in container \(container)") }
        if let function { place.append("in function \(function)") }
        if let host { place.append("on host \(host)") }
        let what = Self.names[kindOfAttack] ?? IntegrationField.words(kindOfAttack)
        let title = ([what, Self.verb(effect)] + place).joined(separator: " ")
        let resource = NormalizedEvent.Resource(
            id: text("containerId") ?? text("functionID") ?? host, name: container ?? function ?? host,
            type: container != nil ? "container" : function != nil ? "function" : "host", cloud: text("provider"),
            accountID: text("accountID"), region: text("region"))
        let seen = Timestamp.rfc3339(epochMilliseconds: millis)
        var event = NormalizedEvent(
            id: EventID.make(connector: connector, kind: .audit, nativeID: nativeID, version: version), kind: .audit,
            connector: connector, nativeID: nativeID, version: version, status: effect, severity: severity,
            originalSeverity: text("severity"), module: .cwpp, title: title, description: text("msg"),
            policy: text("ruleName").map { NormalizedEvent.Policy(name: $0, type: stream.isWAAS ? "waas" : "runtime") },
            resource: resource,
            firstSeen: seen, lastSeen: seen, observedAt: Timestamp.rfc3339(epochMilliseconds: observedAt), rawEvent: record)
        event.audit = NormalizedEvent.Audit(
            user: text("user"), ipAddress: text("ip") ?? record["connectingIPs"]?.arrayValue?.first?.stringValue, accessKey: false,
            action: kindOfAttack, result: effect, type: stream.rawValue)
        if stream.isRuntime { event.incidentID = incidents[identity] }
        return event
    }

    /// An admission, Kubernetes or access audit: who did what to which resource, and whether a rule let it.
    static func access(
        _ record: JSONValue, stream: ComputeAuditStream, connector: String, observedAt: Int64
    ) throws(NormalizationError) -> NormalizedEvent {
        func text(_ key: String, in object: JSONValue? = nil) -> String? {
            guard let value = (object ?? record)[key]?.stringValue?.trimmingCharacters(in: .whitespaces), !value.isEmpty else {
                return nil
            }
            return value
        }
        guard let time = text("time"), let millis = Timestamp.epochMilliseconds(rfc3339: time) else { throw .missingField("time") }
        let user: String?
        let action: String
        let result: String
        let severity: Severity
        let title: String
        let identity: String
        let resource: NormalizedEvent.Resource
        let address: String?
        switch stream {
        case .admission:
            // The AdmissionReview's uid names the request; without it, its fields.
            let review = text("rawRequest").flatMap { try? JSONValue.parse($0) }
            identity =
                review.flatMap { text("uid", in: $0) }
                ?? EventID.digest([time, text("ruleName") ?? "", text("operation") ?? "", text("resource") ?? "", text("username") ?? ""])
            user = text("username")
            action = text("operation") ?? "REQUEST"
            result = (text("effect") ?? "alert").lowercased()
            severity = ["block", "prevent", "deny"].contains(result) ? .high : result == "alert" ? .medium : .low
            let subject = [text("kind"), text("namespace").map { "in namespace \($0)" }].compactMap { $0 }.joined(separator: " ")
            title =
                "Kubernetes admission \(result == "block" ? "blocked" : verb(result)): \(action) \(subject)"
                + (user.map { " by \($0)" } ?? "")
            resource = NormalizedEvent.Resource(
                id: text("namespace"), name: text("kind"), type: "kubernetes", cloud: nil, accountID: text("accountID"), region: nil)
            address = nil
        case .kubernetes:
            let blob = text("eventBlob").flatMap { try? JSONValue.parse($0) }
            identity =
                blob.flatMap { text("auditID", in: $0) }
                ?? EventID.digest([time, text("verb") ?? "", text("requestURI") ?? "", text("message") ?? ""])
            user = record["user"].flatMap { text("username", in: $0) }
            action = (text("verb") ?? "request").uppercased()
            result = "alert"
            severity = .medium
            title = "Kubernetes audit: \(text("message") ?? action)" + (user.map { " (\($0))" } ?? "")
            resource = NormalizedEvent.Resource(
                id: text("requestURI"), name: text("requestURI"), type: "kubernetes", cloud: text("provider"),
                accountID: text("accountID"), region: nil)
            address = record["sourceIPs"]?.arrayValue?.first?.stringValue
        default:
            identity = EventID.digest(
                [
                    time, text("hostname") ?? "", text("user") ?? "", text("api") ?? "", text("ruleName") ?? "", text("msg") ?? "",
                    text("containerName") ?? "",
                ])
            user = text("user")
            action = text("api") ?? "access"
            let allowed = record["allow"]?.boolValue ?? (text("allow") == "true")
            result = allowed ? "allowed" : "denied"
            severity = allowed ? .low : .medium
            let place = [text("containerName").map { "in container \($0)" }, text("hostname").map { "on host \($0)" }].compactMap { $0 }
            title =
                (["\(text("type") == "docker" ? "Docker" : "Host") access \(result): \(action)"] + (user.map { ["by \($0)"] } ?? []) + place)
                .joined(separator: " ")
            resource = NormalizedEvent.Resource(
                id: text("hostname"), name: text("containerName") ?? text("hostname"),
                type: text("containerName") != nil ? "container" : "host",
                cloud: nil, accountID: text("accountID"), region: nil)
            address = text("sourceIP")
        }
        let nativeID = "\(stream.rawValue):\(identity)"
        let version = "\(millis)-1"
        let seen = Timestamp.rfc3339(epochMilliseconds: millis)
        var event = NormalizedEvent(
            id: EventID.make(connector: connector, kind: .audit, nativeID: nativeID, version: version), kind: .audit,
            connector: connector, nativeID: nativeID, version: version, status: result, severity: severity, originalSeverity: nil,
            module: .cwpp, title: title, description: text("message") ?? text("msg"),
            policy: text("ruleName").map { NormalizedEvent.Policy(name: $0, type: stream == .access ? "access" : "kubernetes") },
            resource: resource, firstSeen: seen, lastSeen: seen, observedAt: Timestamp.rfc3339(epochMilliseconds: observedAt),
            rawEvent: record)
        event.audit = NormalizedEvent.Audit(
            user: user, ipAddress: address, accessKey: false, action: action, result: result, type: stream.rawValue)
        return event
    }

    /// WAAS's attack types, which words alone would not spell out.
    static let names = [
        "sqli": "SQL injection", "xss": "Cross-site scripting", "cmdi": "Command injection", "lfi": "Local file inclusion",
        "codeInjection": "Code injection", "deniedIP": "Connection from a denied address", "dos": "Denial of service",
    ]

    /// What the effect did, as the title says it.
    static func verb(_ effect: String) -> String {
        switch effect {
        case "block": "blocked"
        case "prevent": "prevented"
        case "ban": "banned"
        case "alert": "detected"
        case "allow": "allowed"
        default: effect
        }
    }
}
