import Foundation
import RelayModel

/// Seed 003's custom webhook payload: a JSON template whose `${Name}` placeholders are filled from the event,
/// JSON-escaped, so the result stays valid JSON.
public enum CustomPayload {
    /// The placeholders Prisma documents for alert payloads, mapped to the normalized event.
    public static func values(for event: NormalizedEvent) -> [String: String] {
        let raw = event.rawEvent
        return [
            "AlertId": event.nativeID, "AlertStatus": event.status, "Severity": event.originalSeverity ?? event.severity.rawValue,
            "PolicyName": event.policy?.name ?? "", "PolicyId": event.policy?.id ?? "", "PolicyType": event.policy?.type ?? "",
            "ResourceId": event.resource.id ?? "", "ResourceName": event.resource.name ?? "", "ResourceType": event.resource.type ?? "",
            "CloudType": event.resource.cloud ?? "", "AccountId": event.resource.accountID ?? "",
            "AccountName": raw["resource"]?["account"]?.stringValue ?? "", "ResourceRegion": event.resource.region ?? "",
            "Description": event.description ?? "", "Recommendation": raw["policy"]?["recommendation"]?.stringValue ?? "",
            "AlertTime": event.lastSeen ?? event.observedAt, "CallbackUrl": event.link ?? "", "Title": event.title, "EventId": event.id,
            "Module": event.module.rawValue,
        ]
    }

    /// The template with each known `${Name}` replaced by its JSON-escaped value; unknown names stay as written.
    public static func render(_ template: String, event: NormalizedEvent) -> String {
        let values = values(for: event)
        var out = ""
        var rest = Substring(template)
        while let start = rest.range(of: "${") {
            out += rest[..<start.lowerBound]
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else {
                rest = rest[start.lowerBound...]
                break
            }
            let name = String(rest[start.upperBound..<end])
            if let value = values[name] {
                // The placeholder sits inside a JSON string: escape the value, without the surrounding quotes.
                out += String(JSONValue.string(value).jsonString().dropFirst().dropLast())
            } else {
                out += rest[start.lowerBound...end]
            }
            rest = rest[rest.index(after: end)...]
        }
        return out + rest
    }
}
