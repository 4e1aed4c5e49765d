/// What kind of Prisma object an event was made from.
public enum EventKind: String, Sendable, Codable, CaseIterable {
    /// A CSPM alert from the unified alert API.
    case alert
    /// A Compute runtime incident.
    case incident
    /// The relay's own: a connector that stopped collecting (no successful poll, or no new events, for too long).
    case health
}
