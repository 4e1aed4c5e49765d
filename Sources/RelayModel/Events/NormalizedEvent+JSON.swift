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
                text, lazily: "raw_event", preselecting: readingSubjectFields ? Self.subjectFields : nil))
    }

    /// Reads an event back from its JSON shape.
    public init(json: JSONValue) throws(NormalizationError) {
        // Every claimed event is read here. Its members are read in the order `jsonValue` writes them: the one sought
        // is usually the next, and those before it are the ones already read (other names), so a name is sought only
        // from there on — the first member of each name still counts.
        let members = json.objectValue?.members ?? []
        var next = 0
        func take(_ key: String) -> JSONValue? {
            guard next < members.count else { return nil }
            guard members[next].key != key else {
                next += 1
                return members[next - 1].value
            }
            return members[next...].first { $0.key == key }?.value
        }
        func required(_ key: String) throws(NormalizationError) -> String {
            guard let value = take(key)?.stringValue else { throw .missingField(key) }
            return value
        }
        let (id, source, kindName, connector) = (
            try required("id"), try required("source"), try required("kind"), try required("connector")
        )
        let (nativeID, version, status, severityName) = (
            try required("native_id"), try required("version"), try required("status"), try required("severity")
        )
        let originalSeverity = take("original_severity")?.stringValue
        let moduleName = try required("module")
        let (title, description, policyValue, resource) = (
            try required("title"), take("description")?.stringValue, take("policy"), take("resource")
        )
        let (firstSeen, lastSeen, observedAt) = (
            take("first_seen")?.stringValue, take("last_seen")?.stringValue, try required("observed_at")
        )
        let (link, rawEvent) = (take("link")?.stringValue, take("raw_event") ?? .null)
        guard let kind = EventKind(rawValue: kindName) else { throw .missingField("kind") }
        guard let severity = Severity(rawValue: severityName) else { throw .missingField("severity") }
        guard let module = Module(rawValue: moduleName) else { throw .missingField("module") }
        let policy = policyValue?.objectValue.map { object in
            Policy(
                id: object["id"]?.stringValue, name: object["name"]?.stringValue, type: object["type"]?.stringValue,
                subtypes: object["subtypes"]?.arrayValue?.compactMap(\.stringValue) ?? [])
        }
        self.init(
            id: id, source: source, kind: kind, connector: connector, nativeID: nativeID, version: version, status: status,
            severity: severity, originalSeverity: originalSeverity, module: module, title: title, description: description,
            policy: policy,
            resource: Resource(
                id: resource?["id"]?.stringValue, name: resource?["name"]?.stringValue,
                type: resource?["type"]?.stringValue, cloud: resource?["cloud"]?.stringValue,
                accountID: resource?["account_id"]?.stringValue, region: resource?["region"]?.stringValue),
            firstSeen: firstSeen, lastSeen: lastSeen, observedAt: observedAt, rawEvent: rawEvent, link: link)
        truncated = take("truncated")?.arrayValue?.compactMap(\.stringValue) ?? []
        enrichment = take("enrichment")?.objectValue ?? [:]
        audit = take("audit")?.objectValue.map { object in
            Audit(
                user: object["user"]?.stringValue, ipAddress: object["ip_address"]?.stringValue,
                accessKey: object["access_key"]?.boolValue ?? false, action: object["action"]?.stringValue ?? "",
                result: object["result"]?.stringValue ?? "", type: object["type"]?.stringValue ?? "")
        }
        incidentID = take("incident_id")?.stringValue
    }
}

extension JSONValue {
    /// A string, or `null` when there is none.
    public static func optional(_ text: String?) -> JSONValue { text.map(JSONValue.string) ?? .null }
}
