/// An event as an OCSF 1.5 Detection Finding (class 2004, category Findings) with the cloud profile: severity and
/// status normalized to OCSF's ids, the policy as the analytic, the resource and its cloud account, the alert's
/// times, and the alert exactly as received in `raw_data`. What OCSF has no place for (the connector, the relay's
/// module, version and enrichment) is under `unmapped.prisma_relay`.
public enum OCSFDetectionFinding {
    public static let version = "1.5.0"
    public static let classUID: Int64 = 2004

    public static func render(_ event: NormalizedEvent) -> JSONValue {
        // A runtime audit is one detection, made once.
        let activity = event.kind == .audit ? (id: Int64(1), name: "Create") : Self.activity(event.status)
        let (statusID, statusName) = Self.status(event.status)
        let severity = Self.severity(event)
        var object: JSONObject = [
            "activity_id": .int(activity.id), "activity_name": .string(activity.name),
            "category_uid": .int(2), "category_name": .string("Findings"),
            "class_uid": .int(classUID), "class_name": .string("Detection Finding"),
            "type_uid": .int(classUID * 100 + activity.id), "type_name": .string("Detection Finding: \(activity.name)"),
            "severity_id": .int(severity.id), "severity": .string(severity.name),
            "status_id": .int(statusID), "status": .string(statusName),
            "time": .int(event.updatedMillis > 0 ? event.updatedMillis : millis(event.observedAt) ?? 0),
            "message": .string(event.title),
        ]
        if event.status.lowercased() != statusName.lowercased() { object["status_detail"] = .string(event.status) }
        let relay = event.kind == .health
        var product: JSONObject = [
            "name": .string(relay ? "PrismaRelay" : "Prisma Cloud"),
            "vendor_name": .string(relay ? "PrismaRelay" : "Palo Alto Networks"),
        ]
        product["feature"] = .object(["name": .string(event.module.rawValue)])
        object["metadata"] = .object([
            "version": .string(version), "product": .object(product), "uid": .string(event.id),
            "correlation_uid": .string(AlertKey.of(event)), "profiles": .array([.string("cloud")]),
        ])
        var info: JSONObject = ["uid": .string(event.nativeID), "title": .string(event.title)]
        info["desc"] = event.description.map(JSONValue.string)
        info["first_seen_time"] = event.firstSeen.flatMap(millis).map(JSONValue.int)
        info["last_seen_time"] = event.lastSeen.flatMap(millis).map(JSONValue.int)
        info["src_url"] = event.link.map(JSONValue.string)
        if let policy = event.policy, let name = policy.name {
            info["analytic"] = .object([
                "uid": .string(policy.id ?? name), "name": .string(name), "type_id": .int(1), "type": .string("Rule"),
            ])
            if let type = policy.type { info["types"] = .array([.string(type)]) }
        }
        object["finding_info"] = .object(info)
        let resource = event.resource
        if resource.id != nil || resource.name != nil {
            var details: JSONObject = [:]
            details["uid"] = resource.id.map(JSONValue.string)
            details["name"] = resource.name.map(JSONValue.string)
            details["type"] = resource.type.map(JSONValue.string)
            details["region"] = resource.region.map(JSONValue.string)
            object["resources"] = .array([.object(details)])
        }
        if let cloud = resource.cloud {
            var described: JSONObject = ["provider": .string(cloud)]
            described["region"] = resource.region.map(JSONValue.string)
            if let account = resource.accountID {
                let (typeID, typeName) = accountType(cloud)
                let name = event.rawEvent["resource"]?["account"]?.stringValue ?? account
                described["account"] = .object([
                    "uid": .string(account), "name": .string(name), "type_id": .int(typeID), "type": .string(typeName),
                ])
            }
            object["cloud"] = .object(described)
        }
        if let recommendation = event.rawEvent["policy"]?["recommendation"]?.stringValue, !recommendation.isEmpty {
            object["remediation"] = .object(["desc": .string(recommendation)])
        }
        object["raw_data"] = .string(event.rawEvent.jsonString())
        var unmapped: JSONObject = [
            "connector": .string(event.connector), "kind": .string(event.kind.rawValue), "module": .string(event.module.rawValue),
            "version": .string(event.version), "severity": .string(event.severity.rawValue),
        ]
        unmapped["original_severity"] = event.originalSeverity.map(JSONValue.string)
        if !event.enrichment.members.isEmpty { unmapped["enrichment"] = .object(event.enrichment) }
        if !event.truncated.isEmpty { unmapped["truncated"] = .array(event.truncated.map(JSONValue.string)) }
        object["unmapped"] = .object(["prisma_relay": .object(unmapped)])
        return .object(object)
    }

    /// Create for an open finding, Close for one resolved or dismissed, Update for every other status.
    static func activity(_ status: String) -> (id: Int64, name: String) {
        switch status.lowercased() {
        case "open": (1, "Create")
        case "resolved", "dismissed": (3, "Close")
        default: (2, "Update")
        }
    }

    static func status(_ status: String) -> (Int64, String) {
        switch status.lowercased() {
        case "open": (1, "New")
        case "pending_resolution", "acknowledged": (2, "In Progress")
        case "dismissed", "snoozed": (3, "Suppressed")
        case "resolved": (4, "Resolved")
        default: (99, "Other")
        }
    }

    /// From the original tier where Prisma gave one (OCSF has Critical, which the relay's scale folds into high).
    static func severity(_ event: NormalizedEvent) -> (id: Int64, name: String) {
        if event.originalSeverity?.lowercased() == "critical" { return (5, "Critical") }
        switch event.severity {
        case .info: return (1, "Informational")
        case .low: return (2, "Low")
        case .medium: return (3, "Medium")
        case .high: return (4, "High")
        }
    }

    /// OCSF's account types for a cloud's account.
    static func accountType(_ cloud: String) -> (Int64, String) {
        switch cloud.lowercased() {
        case "aws": (10, "AWS Account")
        case "gcp": (5, "GCP Account")
        default: (99, "\(cloud) account")
        }
    }

    static func millis(_ text: String) -> Int64? { Timestamp.epochMilliseconds(rfc3339: text) }
}
