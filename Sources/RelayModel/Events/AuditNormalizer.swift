import Foundation

/// Turns a record of the tenant's audit log (`POST /audit/api/v1/log`, or `GET /audit/redlock`) into a `kind: audit`
/// event. A record has no id: its identity is a digest of its eight fields (absent ones as empty), so the same record
/// fetched again — windows overlap — is the same event, and two records of one millisecond stay two. Records alike in
/// every field (which share their millisecond, so one window always holds all of them) are told apart by their
/// `occurrence` in the fetch: the second is `<digest>-2`.
///
/// Severity: a failed log-in is medium (someone may be guessing); any other failure, and a deletion, low; everything
/// else info. The result reads as `success` or `failure` whichever of Prisma's words it is in.
public enum AuditNormalizer {
    static let fields = ["timestamp", "user", "ipAddress", "actionType", "resourceType", "resourceName", "action", "result"]

    public static func normalize(
        _ record: JSONValue, connector: String, observedAt: Int64, occurrence: Int = 1
    ) throws(NormalizationError) -> NormalizedEvent {
        guard record.objectValue != nil else { throw .notAnObject }
        guard let timestamp = record["timestamp"]?.int64Value else { throw .missingField("timestamp") }
        func text(_ key: String) -> String? {
            guard let value = record[key]?.stringValue?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
            return value
        }
        let nativeID = "audit-" + digest(record) + (occurrence > 1 ? "-\(occurrence)" : "")
        let version = String(timestamp)
        let action = (text("actionType") ?? "UNKNOWN").uppercased()
        let result = Self.result(text("result"))
        let failed = result == "failure"
        let severity: Severity =
            if failed && action == "LOGIN" { .medium } else if failed || action == "DELETE" { .low } else { .info }
        let words =
            text("action")
            ?? [text("user"), action.lowercased(), text("resourceType"), text("resourceName")].compactMap { $0 }
            .joined(separator: " ")
        let time = Timestamp.rfc3339(epochMilliseconds: timestamp)
        var event = NormalizedEvent(
            id: EventID.make(connector: connector, kind: .audit, nativeID: nativeID, version: version), kind: .audit,
            connector: connector, nativeID: nativeID, version: version, status: result, severity: severity,
            originalSeverity: nil, module: .cspm, title: failed ? "\(words) (failed)" : words, description: text("action"),
            policy: nil, resource: .init(id: text("resourceName"), name: text("resourceName"), type: text("resourceType")),
            firstSeen: time, lastSeen: time, observedAt: Timestamp.rfc3339(epochMilliseconds: observedAt), rawEvent: record)
        event.audit = NormalizedEvent.Audit(
            user: text("user"), ipAddress: text("ipAddress"),
            accessKey: text("action")?.lowercased().contains("access key") == true, action: action, result: result,
            type: NormalizedEvent.Audit.tenantLog)
        return event
    }

    /// The digest of a record's eight fields, absent ones as empty.
    public static func digest(_ record: JSONValue) -> String {
        EventID.digest(fields.map { key in record[key].map { $0.stringValue ?? $0.jsonString() } ?? "" })
    }

    /// Prisma's result words (`Success`, `Successful`, `True`, `Failed`, `Failure`, `False`, `fail`) as one of two.
    static func result(_ text: String?) -> String {
        switch text?.lowercased() {
        case "success", "successful", "true": "success"
        case "failed", "failure", "false", "fail": "failure"
        case let other?: other
        case nil: "unknown"
        }
    }
}
