import Foundation
import RelayModel

/// The bodies the relay sends Cortex XSOAR (the same for XSOAR 6 and 8), built from an event alone so they can be
/// pinned by golden tests.
///
/// An alert's incident carries `CustomFields.dbotmirrorid` = `<connector>/<alert id>` (`AlertKey`), the field the
/// relay searches on before it creates, so a create that is retried after a timeout finds the first incident.
/// `rawJSON` is the alert exactly as Prisma Cloud sent it, so XSOAR's own Prisma Cloud content (its mappers,
/// layouts and playbooks for the `Prisma Cloud` incident type) works on it unchanged.
public enum XSOARIncident {
    /// The incident type XSOAR's Prisma Cloud content pack defines.
    public static let type = "Prisma Cloud"

    /// XSOAR's severity (0.5 informational, 1 low, 2 medium, 3 high, 4 critical) from the original Prisma tier,
    /// or from the relay's band when the finding has none.
    public static func severity(_ event: NormalizedEvent) -> JSONValue {
        let tiers = ["critical": "4", "high": "3", "medium": "2", "low": "1", "informational": "0.5", "info": "0.5"]
        let bands: [Severity: String] = [.high: "3", .medium: "2", .low: "1", .info: "0.5"]
        return .number(event.originalSeverity.flatMap { tiers[$0.lowercased()] } ?? bands[event.severity] ?? "2")
    }

    /// `<policy name> - <alert id>`.
    public static func name(_ event: NormalizedEvent) -> String { "\(event.policy?.name ?? event.title) - \(event.nativeID)" }

    /// When the alert happened: Prisma's `alertTime`, else the first time it was seen, else when the relay saw it.
    public static func occurred(_ event: NormalizedEvent) -> String {
        event.rawEvent["alertTime"]?.int64Value.map(Timestamp.rfc3339(epochMilliseconds:)) ?? event.firstSeen ?? event.observedAt
    }

    /// The labels XSOAR shows and can be searched by.
    public static func labels(_ event: NormalizedEvent) -> [JSONValue] {
        let pairs: [(String, String?)] = [
            ("alertId", event.nativeID), ("connector", event.connector), ("policy", event.policy?.name),
            ("cloud", event.resource.cloud), ("account", event.resource.accountID),
            ("resource", event.resource.id ?? event.resource.name), ("status", event.status),
            ("lastSeen", event.lastSeen ?? Timestamp.rfc3339(epochMilliseconds: event.updatedMillis)),
        ]
        return pairs.compactMap { type, value in
            value.map { .object(["type": .string(type), "value": .string($0)]) }
        }
    }

    /// The fields written on create and on every update.
    static func fields(_ event: NormalizedEvent) -> JSONObject {
        [
            "name": .string(name(event)), "type": .string(type), "severity": severity(event), "occurred": .string(occurred(event)),
            "details": .string(event.description ?? event.title), "labels": .array(labels(event)),
            "rawJSON": .string(event.rawEvent.jsonString()),
            "CustomFields": .object(["dbotmirrorid": .string(AlertKey.of(event))]),
        ]
    }

    /// `POST /incident` creating the alert's incident, its investigation (and so its playbook) started.
    public static func create(_ event: NormalizedEvent) -> JSONValue {
        var body = fields(event)
        body["createInvestigation"] = .bool(true)
        return .object(body)
    }

    /// `POST /incident` updating incident `id` at `version` (XSOAR refuses a stale version); `reopen` sets it
    /// active again.
    public static func update(_ event: NormalizedEvent, id: String, version: Int64, reopen: Bool = false) -> JSONValue {
        var body: JSONObject = ["id": .string(id), "version": .int(version)]
        for member in fields(event) { body[member.key] = member.value }
        if reopen {
            body["status"] = .int(1)
            body["closeReason"] = .string("")
            body["closeNotes"] = .string("")
        }
        return .object(body)
    }

    /// `POST /incident/close`: "Resolved" for a resolved alert, "Other" for a dismissed one, the notes naming
    /// Prisma's status and reason.
    public static func close(_ event: NormalizedEvent, id: String, version: Int64) -> JSONValue {
        let reason = event.rawEvent["reason"]?.stringValue
        var notes = "Prisma Cloud marked the alert \(event.status)" + (reason.map { " (reason: \($0))" } ?? "")
        if let note = event.rawEvent["dismissalNote"]?.stringValue, !note.isEmpty { notes += ": \(note)" }
        return .object([
            "id": .string(id), "version": .int(version), "closeReason": .string(event.status == "resolved" ? "Resolved" : "Other"),
            "closeNotes": .string(notes + "."),
        ])
    }

    /// `POST /incidents/search` for the incidents of the alert `key`, oldest first.
    public static func search(key: String) -> JSONValue {
        let quoted = key.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        return .object([
            "filter": .object([
                "query": .string("dbotmirrorid:\"\(quoted)\""), "page": .int(0), "size": .int(10),
                "sort": .array([.object(["field": .string("created"), "asc": .bool(true)])]),
            ])
        ])
    }

    /// `POST /incidents/search` for the relay's incidents (its type) that are closed, the last modified first.
    public static let closedSearch: JSONValue = .object([
        "filter": .object([
            "query": .string("type:\"\(type)\" and status:closed"), "page": .int(0), "size": .int(100),
            "sort": .array([.object(["field": .string("modified"), "asc": .bool(false)])]),
        ])
    ])

    /// Whether the relay closes the alert's incident for this event.
    static func closes(_ event: NormalizedEvent) -> Bool { ["resolved", "dismissed"].contains(event.status) }
}

/// An incident as XSOAR answered it: what the relay needs to update it.
struct XSOARIncidentRef: Sendable, Equatable {
    var id: String
    var version: Int64
    /// 0 pending, 1 active, 2 closed, 3 archived.
    var status: Int

    var closed: Bool { status >= 2 }

    /// From an incident object; nil when it lacks an id or version.
    init?(_ value: JSONValue) {
        guard let id = value["id"]?.stringValue ?? value["id"]?.int64Value.map(String.init), !id.isEmpty,
            let version = value["version"]?.int64Value
        else { return nil }
        self.id = id
        self.version = version
        status = value["status"]?.int64Value.map(Int.init) ?? 1
    }
}
