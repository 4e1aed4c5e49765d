/// The shape a destination that carries whole events sends them in (`format` in its `integrationConfig`): the relay's
/// own normalized event, OCSF (a Detection Finding — a runtime audit is one too —, or an API Activity for a record of
/// the tenant's audit log), or the JSON Prisma Cloud's own webhook notification sends, so parsers written for either
/// keep working. A heartbeat is the relay's own whatever the format: it has no counterpart in the other two.
public enum EventFormat: String, Sendable, CaseIterable {
    case relay
    case ocsf
    case prisma

    /// The event in this format.
    public func render(_ event: NormalizedEvent) -> JSONValue {
        guard event.kind != .heartbeat else { return event.jsonValue }
        switch self {
        case .relay: return event.jsonValue
        case .ocsf:
            return event.audit?.isTenantActivity == true ? OCSFAPIActivity.render(event) : OCSFDetectionFinding.render(event)
        // Prisma forwards its audit log, and Compute its audits, as the records themselves.
        case .prisma: return event.kind == .audit ? event.rawEvent : PrismaNotification.render(event)
        }
    }

    /// The format an `integrationConfig` names (the relay's own when it names none).
    public init(integrationConfig config: JSONObject) {
        self = config[Self.key]?.stringValue.flatMap(EventFormat.init(rawValue:)) ?? .relay
    }

    public static let key = "format"

    /// The field of the types that carry whole events.
    public static let field = IntegrationField(
        key, label: "Event format", defaultValue: .string(EventFormat.relay.rawValue),
        help:
            "relay: the relay's normalized event; ocsf: an OCSF 1.5 Detection Finding (API Activity for audit records); prisma: the JSON Prisma Cloud's own webhook notification sends (relay setting)",
        check: { text in
            EventFormat(rawValue: text) == nil ? "must be relay, ocsf or prisma" : nil
        })
}
