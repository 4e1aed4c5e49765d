/// What kind of Prisma object an event was made from.
public enum EventKind: String, Sendable, Codable, CaseIterable {
    /// A CSPM alert from the unified alert API.
    case alert
    /// A Compute runtime incident.
    case incident
    /// A record of an audit log: who did what in the Prisma Cloud tenant (`audit` on the event says it).
    case audit
    /// The relay's own: a connector that stopped collecting (no successful poll, or no new events, for too long).
    case health
    /// The relay's own: a sign of life sent to one integration at its interval, so that its side can alarm when they
    /// stop. Never routed by rules.
    case heartbeat
}
