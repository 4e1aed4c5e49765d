/// What kind of Prisma object an event was made from.
public enum EventKind: String, Sendable, Codable, CaseIterable {
    /// A CSPM alert from the unified alert API.
    case alert
    /// A Compute runtime incident.
    case incident
}
