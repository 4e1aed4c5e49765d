extension NormalizedEvent {
    /// The event in the documented snake_case JSON shape, with `raw_event` exactly as received: its text
    /// (`jsonBytes()`), whose members are read from it when first asked for. Storing and sending an event write that
    /// text by copying it.
    public var jsonValue: JSONValue { .object(JSONObject(lazy: jsonBytes())) }

    /// The event's compact JSON text, written member by member in the documented order (this runs for every event
    /// stored and sent; the shape is defined here alone).
    public func jsonBytes() -> [UInt8] {
        var json = JSONObjectWriter(capacity: 1_024 + (rawEvent.objectValue?.text?.count ?? 2_048))
        json.add("id", id)
        json.add("source", source)
        json.add("kind", kind.rawValue)
        json.add("connector", connector)
        json.add("native_id", nativeID)
        json.add("version", version)
        json.add("status", status)
        json.add("severity", severity.rawValue)
        json.add("original_severity", originalSeverity)
        json.add("module", module.rawValue)
        json.add("title", title)
        json.add("description", description)
        if let policy {
            json.addObject("policy") { json in
                json.add("id", policy.id)
                json.add("name", policy.name)
                json.add("type", policy.type)
                json.add("subtypes", policy.subtypes)
            }
        } else {
            json.add("policy", JSONValue.null)
        }
        json.addObject("resource") { json in
            json.add("id", resource.id)
            json.add("name", resource.name)
            json.add("type", resource.type)
            json.add("cloud", resource.cloud)
            json.add("account_id", resource.accountID)
            json.add("region", resource.region)
        }
        json.add("first_seen", firstSeen)
        json.add("last_seen", lastSeen)
        json.add("observed_at", observedAt)
        json.add("link", link)
        json.add("raw_event", rawEvent)
        if !truncated.isEmpty { json.add("truncated", truncated) }
        if !enrichment.members.isEmpty { json.add("enrichment", .object(enrichment)) }
        if let audit {
            json.addObject("audit") { json in
                json.add("user", audit.user)
                json.add("ip_address", audit.ipAddress)
                json.add("access_key", audit.accessKey)
                json.add("action", audit.action)
                json.add("result", audit.result)
                json.add("type", audit.type)
            }
        }
        if let incidentID { json.add("incident_id", incidentID) }
        return json.finish()
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
