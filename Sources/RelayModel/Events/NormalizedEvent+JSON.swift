extension NormalizedEvent {
    /// The event in the documented snake_case JSON shape, with `raw_event` exactly as received.
    public var jsonValue: JSONValue {
        // Members appended in their documented order (no lookups: this runs for every event stored and sent).
        var members: [JSONObject.Member] = []
        members.reserveCapacity(24)
        func add(_ key: String, _ value: JSONValue) { members.append(JSONObject.Member(key: key, value: value)) }
        add("id", .string(id))
        add("source", .string(source))
        add("kind", .string(kind.rawValue))
        add("connector", .string(connector))
        add("native_id", .string(nativeID))
        add("version", .string(version))
        add("status", .string(status))
        add("severity", .string(severity.rawValue))
        add("original_severity", .optional(originalSeverity))
        add("module", .string(module.rawValue))
        add("title", .string(title))
        add("description", .optional(description))
        add(
            "policy",
            policy.map { policy in
                .object([
                    "id": .optional(policy.id), "name": .optional(policy.name), "type": .optional(policy.type),
                    "subtypes": .array(policy.subtypes.map(JSONValue.string)),
                ])
            } ?? .null)
        add(
            "resource",
            .object([
                "id": .optional(resource.id), "name": .optional(resource.name), "type": .optional(resource.type),
                "cloud": .optional(resource.cloud), "account_id": .optional(resource.accountID),
                "region": .optional(resource.region),
            ]))
        add("first_seen", .optional(firstSeen))
        add("last_seen", .optional(lastSeen))
        add("observed_at", .string(observedAt))
        add("link", .optional(link))
        add("raw_event", rawEvent)
        if !truncated.isEmpty { add("truncated", .array(truncated.map(JSONValue.string))) }
        if !enrichment.members.isEmpty { add("enrichment", .object(enrichment)) }
        if let audit {
            add(
                "audit",
                .object([
                    "user": .optional(audit.user), "ip_address": .optional(audit.ipAddress), "access_key": .bool(audit.accessKey),
                    "action": .string(audit.action), "result": .string(audit.result), "type": .string(audit.type),
                ]))
        }
        if let incidentID { add("incident_id", .string(incidentID)) }
        return .object(JSONObject(members))
    }

    /// Reads an event back from the JSON text it was stored as. Its `raw_event` is read lazily (checked, its text
    /// kept, its members parsed when first asked for), so an event sent on unchanged writes it out by copying, and
    /// nothing builds what nobody reads. With `readingSubjectFields` (for enrichment), what names people and hosts
    /// (`subjectFields`) is read in the same pass that checks the raw event.
    public init(storedJSON text: some Collection<UInt8>, readingSubjectFields: Bool = false) throws {
        try self.init(
            json: try JSONValue.parse(
                text, lazilyAtDepth: 2, preselecting: readingSubjectFields ? ("raw_event", Self.subjectFields) : nil))
    }

    /// Reads an event back from its JSON shape.
    public init(json: JSONValue) throws(NormalizationError) {
        func required(_ key: String) throws(NormalizationError) -> String {
            guard let value = json[key]?.stringValue else { throw .missingField(key) }
            return value
        }
        guard let kind = EventKind(rawValue: try required("kind")) else { throw .missingField("kind") }
        guard let severity = Severity(rawValue: try required("severity")) else { throw .missingField("severity") }
        guard let module = Module(rawValue: try required("module")) else { throw .missingField("module") }
        let policy = json["policy"]?.objectValue.map { object in
            Policy(
                id: object["id"]?.stringValue, name: object["name"]?.stringValue, type: object["type"]?.stringValue,
                subtypes: object["subtypes"]?.arrayValue?.compactMap(\.stringValue) ?? [])
        }
        let resource = json["resource"]
        self.init(
            id: try required("id"), source: try required("source"), kind: kind, connector: try required("connector"),
            nativeID: try required("native_id"), version: try required("version"), status: try required("status"),
            severity: severity, originalSeverity: json["original_severity"]?.stringValue, module: module,
            title: try required("title"), description: json["description"]?.stringValue, policy: policy,
            resource: Resource(
                id: resource?["id"]?.stringValue, name: resource?["name"]?.stringValue,
                type: resource?["type"]?.stringValue, cloud: resource?["cloud"]?.stringValue,
                accountID: resource?["account_id"]?.stringValue, region: resource?["region"]?.stringValue),
            firstSeen: json["first_seen"]?.stringValue, lastSeen: json["last_seen"]?.stringValue,
            observedAt: try required("observed_at"), rawEvent: json["raw_event"] ?? .null, link: json["link"]?.stringValue)
        truncated = json["truncated"]?.arrayValue?.compactMap(\.stringValue) ?? []
        enrichment = json["enrichment"]?.objectValue ?? [:]
        audit = json["audit"]?.objectValue.map { object in
            Audit(
                user: object["user"]?.stringValue, ipAddress: object["ip_address"]?.stringValue,
                accessKey: object["access_key"]?.boolValue ?? false, action: object["action"]?.stringValue ?? "",
                result: object["result"]?.stringValue ?? "", type: object["type"]?.stringValue ?? "")
        }
        incidentID = json["incident_id"]?.stringValue
    }
}

extension JSONValue {
    /// A string, or `null` when there is none.
    public static func optional(_ text: String?) -> JSONValue { text.map(JSONValue.string) ?? .null }
}
