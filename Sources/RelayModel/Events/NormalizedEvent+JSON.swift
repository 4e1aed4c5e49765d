extension NormalizedEvent {
    /// The event in the documented snake_case JSON shape, with `raw_event` exactly as received.
    public var jsonValue: JSONValue {
        var object: JSONObject = [
            "id": .string(id), "source": .string(source), "kind": .string(kind.rawValue),
            "connector": .string(connector), "native_id": .string(nativeID), "version": .string(version),
            "status": .string(status), "severity": .string(severity.rawValue),
        ]
        object["original_severity"] = originalSeverity.map(JSONValue.string) ?? .null
        object["module"] = .string(module.rawValue)
        object["title"] = .string(title)
        object["description"] = description.map(JSONValue.string) ?? .null
        if let policy {
            object["policy"] = .object([
                "id": .optional(policy.id), "name": .optional(policy.name), "type": .optional(policy.type),
                "subtypes": .array(policy.subtypes.map(JSONValue.string)),
            ])
        } else {
            object["policy"] = .null
        }
        object["resource"] = .object([
            "id": .optional(resource.id), "name": .optional(resource.name), "type": .optional(resource.type),
            "cloud": .optional(resource.cloud), "account_id": .optional(resource.accountID),
            "region": .optional(resource.region),
        ])
        object["first_seen"] = .optional(firstSeen)
        object["last_seen"] = .optional(lastSeen)
        object["observed_at"] = .string(observedAt)
        object["link"] = .optional(link)
        object["raw_event"] = rawEvent
        if !truncated.isEmpty { object["truncated"] = .array(truncated.map(JSONValue.string)) }
        if !enrichment.members.isEmpty { object["enrichment"] = .object(enrichment) }
        if let audit {
            object["audit"] = .object([
                "user": .optional(audit.user), "ip_address": .optional(audit.ipAddress), "access_key": .bool(audit.accessKey),
                "action": .string(audit.action), "result": .string(audit.result), "type": .string(audit.type),
            ])
        }
        if let incidentID { object["incident_id"] = .string(incidentID) }
        return .object(object)
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
