/// Turns a CSPM alert (Prisma's `AlertModel`, as received) into a `NormalizedEvent`. Pure.
public enum AlertNormalizer {
    /// Normalizes one alert collected by `connector` at `observedAt` (epoch milliseconds); with the tenant's
    /// `console` URL, the event links to the alert there.
    /// Prisma's casing is inconsistent between its spec and its data, so enumerations are case-folded.
    public static func normalize(
        _ alert: JSONValue, connector: String, observedAt: Int64, console: String? = nil
    ) throws(NormalizationError) -> NormalizedEvent {
        // An alert of a page read lazily (`AlertPage.lazyAlerts`) has the fields read here read already; its text
        // is the event's `raw_event`, copied when stored.
        guard case .object(let object) = alert.preselected ?? alert else { throw .notAnObject }
        guard let alertID = object["id"]?.stringValue, !alertID.isEmpty else { throw .missingField("id") }
        let policy = object["policy"]
        let resource = object["resource"]
        let version = String(versionMillis(of: object))
        let tier = policy?["severity"]?.stringValue
        let policyType = policy?["policyType"]?.stringValue?.lowercased()
        let title = policy?["name"]?.stringValue ?? "Prisma Cloud alert \(alertID)"
        return NormalizedEvent(
            id: EventID.make(connector: connector, kind: .alert, nativeID: alertID, version: version),
            kind: .alert, connector: connector, nativeID: alertID, version: version,
            status: object["status"]?.stringValue?.lowercased() ?? "open",
            severity: Severity(prismaTier: tier), originalSeverity: tier,
            module: Module(policyType: policyType), title: title,
            description: policy?["description"]?.stringValue,
            policy: NormalizedEvent.Policy(
                id: policy?["policyId"]?.stringValue ?? object["policyId"]?.stringValue,
                name: policy?["name"]?.stringValue, type: policyType,
                subtypes: policy?["policySubTypes"]?.arrayValue?.compactMap { $0.stringValue?.lowercased() } ?? []),
            resource: NormalizedEvent.Resource(
                id: resource?["id"]?.stringValue, name: resource?["name"]?.stringValue,
                type: resource?["resourceType"]?.stringValue,
                cloud: (resource?["cloudType"]?.stringValue ?? policy?["cloudType"]?.stringValue)?.lowercased(),
                accountID: resource?["accountId"]?.stringValue,
                region: resource?["regionId"]?.stringValue ?? resource?["region"]?.stringValue),
            firstSeen: object["firstSeen"]?.int64Value.map(Timestamp.rfc3339(epochMilliseconds:)),
            lastSeen: object["lastSeen"]?.int64Value.map(Timestamp.rfc3339(epochMilliseconds:)),
            observedAt: Timestamp.rfc3339(epochMilliseconds: observedAt),
            rawEvent: alert, link: console.map { PrismaAPIHost.alertLink(console: $0, alertID: alertID) })
    }

    /// Every field `normalize` reads, read at once from the alerts of a page as they are parsed (`AlertPage.lazyAlerts`):
    /// the rest of an alert is only checked, and kept as text.
    public static let fields: JSONSelection = [
        "id": .all, "status": .all, "policyId": .all, "lastUpdated": .all, "lastSeen": .all, "alertTime": .all,
        "firstSeen": .all,
        "policy": [
            "severity": .all, "policyType": .all, "name": .all, "description": .all, "policyId": .all,
            "policySubTypes": .all, "cloudType": .all,
        ],
        "resource": [
            "id": .all, "name": .all, "resourceType": .all, "cloudType": .all, "accountId": .all, "regionId": .all,
            "region": .all,
        ],
    ]

    /// An alert's version: `lastUpdated`, or failing that the latest of its other timestamps, so that each
    /// change Prisma records is a distinct version.
    static func versionMillis(of alert: JSONObject) -> Int64 {
        if let updated = alert["lastUpdated"]?.int64Value { return updated }
        return ["lastSeen", "alertTime", "firstSeen"].compactMap { alert[$0]?.int64Value }.max() ?? 0
    }
}
