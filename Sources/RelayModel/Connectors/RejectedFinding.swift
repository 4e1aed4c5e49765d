/// A finding Prisma returned that the relay could not turn into an event (e.g. an alert without an id): kept
/// whole with the reason, never silently dropped, and shown in the connector's status.
public struct RejectedFinding: Sendable, Equatable {
    public var connector: String
    public var reason: String
    public var raw: JSONValue
    /// Epoch milliseconds.
    public var rejectedAt: Int64
    public init(connector: String, reason: String, raw: JSONValue, rejectedAt: Int64) {
        self.connector = connector
        self.reason = reason
        self.raw = raw
        self.rejectedAt = rejectedAt
    }
}
