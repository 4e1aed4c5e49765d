import Foundation

/// Turns a Compute runtime audit — a container, host or serverless runtime audit (`shared.RuntimeAudit`) or a WAAS
/// audit (`shared.AppFirewallAudit`) — into a `kind: audit`, `module: CWPP` event that reads like the console's line:
/// "Crypto miner process blocked in container nginx on host ip-10-0-1-5".
///
/// Identity: the audit's `_id` (an aggregated WAAS audit has none: its `eventID`, time and type stand in). Compute
/// updates an audit in place — a higher `count`, a later `time` — so the version is the time and the count, and an
/// update is a new version of the same audit.
///
/// Severity: a runtime audit's own `severity` (high, medium, low); without one, and for WAAS, from the effect: block,
/// prevent or ban high; alert medium; anything else low.
public enum RuntimeAuditNormalizer {
    public static func normalize(
        _ record: JSONValue, stream: ComputeAuditStream, connector: String, observedAt: Int64
    ) throws(NormalizationError) -> NormalizedEvent {
        guard record.objectValue != nil else { throw .notAnObject }
        func text(_ key: String) -> String? {
            guard let value = record[key]?.stringValue?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
            return value
        }
        guard let time = text("time"), let millis = Timestamp.epochMilliseconds(rfc3339: time) else { throw .missingField("time") }
        let identity: String
        if let id = text("_id") {
            identity = id
        } else if stream == .waas, let eventID = text("eventID") {
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
            policy: text("ruleName").map { NormalizedEvent.Policy(name: $0, type: stream == .waas ? "waas" : "runtime") },
            resource: resource,
            firstSeen: seen, lastSeen: seen, observedAt: Timestamp.rfc3339(epochMilliseconds: observedAt), rawEvent: record)
        event.audit = NormalizedEvent.Audit(
            user: text("user"), ipAddress: text("ip") ?? record["connectingIPs"]?.arrayValue?.first?.stringValue, accessKey: false,
            action: kindOfAttack, result: effect, type: stream.rawValue)
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
