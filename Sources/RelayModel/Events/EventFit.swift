/// Makes an event fit a destination's size limit by cutting its least useful parts first — the resource's raw
/// configuration (`raw_event.resource.data`), then long descriptions, then the rest of the raw resource, then the
/// raw event down to its identity — and naming each cut in `truncated`. The normalized identity (id, connector,
/// native id, version, status, severity) is never touched, so the event is still delivered and still finds its
/// incident.
public enum EventFit {
    /// The longest description kept once descriptions are cut.
    static let descriptionLimit = 1_000
    /// What of a raw resource is kept once the rest is cut.
    static let resourceKeys: Set<String> = [
        "id", "name", "rrn", "resourceType", "resourceApiName", "cloudType", "accountId", "accountName", "regionId", "region", "url",
    ]
    /// What of a raw alert or incident is kept at the last step.
    static let identityKeys: Set<String> = [
        "id", "_id", "status", "lastUpdated", "alertTime", "firstSeen", "lastSeen", "policyId", "time", "type",
    ]

    /// `event`, cut until `size(event) <= limit` (or as far as it can be cut).
    public static func fit(_ event: NormalizedEvent, limit: Int, size: (NormalizedEvent) -> Int) -> NormalizedEvent {
        guard size(event) > limit else { return event }
        var fitted = event
        let steps: [(String, (inout NormalizedEvent) -> Bool)] = [
            (
                "raw_event.resource.data",
                {
                    $0.rawEvent = replacing($0.rawEvent, path: ["resource", "data"]) { cut($0) } ?? $0.rawEvent
                    return true
                }
            ),
            ("description", shortenDescriptions),
            (
                "raw_event.resource",
                { event in
                    guard let resource = event.rawEvent["resource"]?.objectValue else { return false }
                    event.rawEvent =
                        replacing(event.rawEvent, path: ["resource"]) { _ in
                            .object(JSONObject(resource.filter { resourceKeys.contains($0.key) }))
                        } ?? event.rawEvent
                    return true
                }
            ),
            (
                "raw_event",
                { event in
                    guard let raw = event.rawEvent.objectValue else { return false }
                    var kept = JSONObject(raw.filter { identityKeys.contains($0.key) })
                    if let policy = raw["policy"]?.objectValue {
                        kept["policy"] = .object(
                            JSONObject(policy.filter { ["policyId", "name", "severity", "policyType"].contains($0.key) }))
                    }
                    event.rawEvent = .object(kept)
                    return true
                }
            ),
            (
                "title",
                { event in
                    guard event.title.count > 200 else { return false }
                    event.title = String(event.title.prefix(199)) + "…"
                    event.description = event.description.map { String($0.prefix(200)) }
                    return true
                }
            ),
        ]
        for (name, step) in steps {
            let before = fitted
            guard step(&fitted),
                fitted.rawEvent != before.rawEvent || fitted.description != before.description || fitted.title != before.title
            else { continue }
            fitted.truncated.append(name)
            if size(fitted) <= limit { break }
        }
        return fitted
    }

    /// The placeholder a cut value leaves, saying how large it was.
    static func cut(_ value: JSONValue) -> JSONValue { .string("[cut to fit the destination: \(value.jsonBytes().count) bytes]") }

    static func shortenDescriptions(_ event: inout NormalizedEvent) -> Bool {
        func short(_ text: String) -> String { text.count > descriptionLimit ? String(text.prefix(descriptionLimit - 1)) + "…" : text }
        event.description = event.description.map(short)
        for path in [["policy", "description"], ["policy", "recommendation"], ["description"]] {
            event.rawEvent =
                replacing(event.rawEvent, path: path) { value in value.stringValue.map { .string(short($0)) } ?? value } ?? event.rawEvent
        }
        return true
    }

    /// `value` with the member at `path` replaced by `change`, or nil when there is no such member.
    static func replacing(_ value: JSONValue, path: [String], _ change: (JSONValue) -> JSONValue) -> JSONValue? {
        guard let key = path.first, var object = value.objectValue, let member = object[key] else { return nil }
        if path.count == 1 {
            object[key] = change(member)
        } else {
            guard let inner = replacing(member, path: Array(path.dropFirst()), change) else { return nil }
            object[key] = inner
        }
        return .object(object)
    }
}
