/// An audit record as an OCSF 1.5 API Activity (class 6003, category Application Activity): the action as the
/// activity (create, read, update, delete; a log-in is Other), the user as the actor, the address it came from as the
/// source endpoint, the record's result as the status, the resource it touched, and the record whole in `raw_data`.
public enum OCSFAPIActivity {
    public static let classUID: Int64 = 6003

    public static func render(_ event: NormalizedEvent) -> JSONValue {
        let audit = event.audit
        let activity = Self.activity(audit?.action ?? "")
        let severity = OCSFDetectionFinding.severity(event)
        var object: JSONObject = [
            "activity_id": .int(activity.id), "activity_name": .string(activity.name),
            "category_uid": .int(6), "category_name": .string("Application Activity"),
            "class_uid": .int(classUID), "class_name": .string("API Activity"),
            "type_uid": .int(classUID * 100 + activity.id), "type_name": .string("API Activity: \(activity.name)"),
            "severity_id": .int(severity.id), "severity": .string(severity.name),
            "time": .int(event.updatedMillis), "message": .string(event.title),
        ]
        switch audit?.result {
        case "success": (object["status_id"], object["status"]) = (.int(1), .string("Success"))
        case "failure": (object["status_id"], object["status"]) = (.int(2), .string("Failure"))
        default: (object["status_id"], object["status"]) = (.int(0), .string("Unknown"))
        }
        object["metadata"] = .object([
            "version": .string(OCSFDetectionFinding.version), "uid": .string(event.id),
            "product": .object([
                "name": .string("Prisma Cloud"), "vendor_name": .string("Palo Alto Networks"),
                "feature": .object(["name": .string("Audit Log")]),
            ]),
        ])
        var user: JSONObject = [:]
        if let name = audit?.user {
            user["name"] = .string(name)
            if name.contains("@") { user["email_addr"] = .string(name) }
        }
        object["actor"] = .object(["user": .object(user)])
        var api: JSONObject = ["operation": .string([audit?.action, event.resource.type].compactMap { $0 }.joined(separator: " "))]
        api["service"] = .object(["name": .string("Prisma Cloud")])
        object["api"] = .object(api)
        // Prisma writes words, not an address, for its own background jobs.
        if let address = audit?.ipAddress {
            object["src_endpoint"] = .object(IPAddress(address) == nil ? ["name": .string(address)] : ["ip": .string(address)])
        } else {
            object["src_endpoint"] = .object(["name": .string("unknown")])
        }
        object["cloud"] = .object(["provider": .string("Prisma Cloud")])
        if event.resource.name != nil || event.resource.type != nil {
            var resource: JSONObject = [:]
            resource["name"] = event.resource.name.map(JSONValue.string)
            resource["type"] = event.resource.type.map(JSONValue.string)
            object["resources"] = .array([.object(resource)])
        }
        object["raw_data"] = .string(event.rawEvent.jsonString())
        var unmapped: JSONObject = [
            "connector": .string(event.connector), "kind": .string(event.kind.rawValue), "access_key": .bool(audit?.accessKey ?? false),
            "audit_log": .string(audit?.type ?? ""),
        ]
        if !event.enrichment.members.isEmpty { unmapped["enrichment"] = .object(event.enrichment) }
        object["unmapped"] = .object(["prisma_relay": .object(unmapped)])
        return .object(object)
    }

    /// OCSF's API activities: Create, Read, Update, Delete; anything else (a log-in, a test) is Other.
    static func activity(_ action: String) -> (id: Int64, name: String) {
        switch action.uppercased() {
        case "CREATE": (1, "Create")
        case "READ": (2, "Read")
        case "UPDATE": (3, "Update")
        case "DELETE": (4, "Delete")
        default: (99, action.isEmpty ? "Other" : action.prefix(1).uppercased() + action.dropFirst().lowercased())
        }
    }
}
