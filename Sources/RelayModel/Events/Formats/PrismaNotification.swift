/// An event as one alert of Prisma Cloud's own webhook notification (Prisma posts a JSON array of these), so that
/// parsers written for Prisma's notifications read the relay's deliveries unchanged. A CSPM alert fills every key
/// from the alert as received; a Compute incident or a relay health event fills the same keys from its normalized
/// fields. The keys are those Prisma's notification carries (its receivers' schema), plus `alertStatus`, `reason`,
/// `firstSeen` and `lastSeen`, which receivers dedupe on.
public enum PrismaNotification {
    public static func render(_ event: NormalizedEvent) -> JSONValue {
        let raw = event.rawEvent
        let alert = event.kind == .alert && event.module == .cspm
        let policy = alert ? raw["policy"] : nil
        let resource = alert ? raw["resource"] : nil
        func text(_ value: JSONValue?, _ fallback: String?) -> JSONValue { .string(value?.stringValue ?? fallback ?? "") }
        func millis(_ value: JSONValue?, _ fallback: String?) -> JSONValue {
            if let number = value?.int64Value { return .int(number) }
            return .int(fallback.flatMap(Timestamp.epochMilliseconds(rfc3339:)) ?? event.updatedMillis)
        }
        let rules = raw["alertRules"]?.arrayValue ?? []
        var object = JSONObject()
        object["alertId"] = .string(event.nativeID)
        object["alertStatus"] = .string(event.status)
        object["reason"] = text(alert ? raw["reason"] : nil, nil)
        object["alertTs"] = millis(alert ? raw["alertTime"] : nil, event.lastSeen ?? event.observedAt)
        object["firstSeen"] = millis(alert ? raw["firstSeen"] : nil, event.firstSeen ?? event.observedAt)
        object["lastSeen"] = millis(alert ? raw["lastSeen"] : nil, event.lastSeen ?? event.observedAt)
        object["alertRuleName"] = text(rules.first?["name"], nil)
        object["alertRuleId"] = text(rules.first?["policyScanConfigId"], nil)
        object["alertAttribution"] = raw["alertAttribution"]?.objectValue.map(JSONValue.object) ?? .object([:])
        object["alertRemediationCli"] = text(policy?["remediation"]?["cliScriptTemplate"], nil)
        object["anomaly"] = .bool(policy?["policyType"]?.stringValue == "anomaly")
        object["callbackUrl"] = .string(event.link ?? "")
        object["policyId"] = text(policy?["policyId"], event.policy?.id)
        object["policyName"] = text(policy?["name"], event.policy?.name ?? event.title)
        object["policyType"] = text(policy?["policyType"], event.policy?.type)
        object["policyDescription"] = text(policy?["description"], event.description)
        object["policyRecommendation"] = text(policy?["recommendation"], nil)
        object["policyLabels"] = policy?["labels"]?.arrayValue.map(JSONValue.array) ?? .array([])
        object["complianceMetadata"] = policy?["complianceMetadata"]?.arrayValue.map(JSONValue.array) ?? .array([])
        object["severity"] = .string(event.originalSeverity?.lowercased() ?? event.severity.rawValue)
        object["cloudType"] = text(resource?["cloudType"], event.resource.cloud)
        object["accountId"] = text(resource?["accountId"], event.resource.accountID)
        object["accountName"] = text(resource?["account"], event.resource.accountID)
        object["resourceId"] = text(resource?["id"], event.resource.id)
        object["resourceName"] = text(resource?["name"], event.resource.name)
        object["resourceType"] = text(resource?["resourceType"], event.resource.type)
        object["resourceCloudService"] = text(resource?["cloudServiceName"], nil)
        object["resourceRegion"] = text(resource?["region"], event.resource.region)
        object["resourceRegionId"] = text(resource?["regionId"], event.resource.region)
        object["resourceConfig"] = resource?["data"]?.objectValue.map(JSONValue.object) ?? .object([:])
        object["hasFinding"] = .bool(raw["hasFinding"]?.boolValue ?? false)
        object["findingSummary"] = raw["findingSummary"]?.objectValue.map(JSONValue.object) ?? .object([:])
        object["riskRating"] = text(raw["riskDetail"]?["rating"], "N/A")
        object["source"] = .string(event.kind == .health ? "PrismaRelay" : "Prisma Cloud")
        var described = JSONObject()
        described["id"] = object["resourceId"] ?? .string("")
        described["name"] = object["resourceName"] ?? .string("")
        described["rrn"] = text(resource?["rrn"], nil)
        described["account"] = object["accountName"] ?? .string("")
        described["accountId"] = object["accountId"] ?? .string("")
        described["cloudType"] = object["cloudType"] ?? .string("")
        described["region"] = object["resourceRegion"] ?? .string("")
        described["regionId"] = object["resourceRegionId"] ?? .string("")
        described["resourceType"] = object["resourceType"] ?? .string("")
        described["resourceApiName"] = text(resource?["resourceApiName"], nil)
        described["cloudAccountGroups"] = resource?["cloudAccountGroups"]?.arrayValue.map(JSONValue.array) ?? .array([])
        described["resourceTags"] = resource?["resourceTags"]?.objectValue.map(JSONValue.object) ?? .object([:])
        described["additionalInfo"] = resource?["additionalInfo"]?.objectValue.map(JSONValue.object) ?? .object([:])
        described["data"] = object["resourceConfig"] ?? .object([:])
        described["url"] = text(resource?["url"], nil)
        object["resource"] = .object(described)
        return .object(object)
    }
}
