/// One row of the outbox: an event routed to an integration, whatever became of it.
public struct OutboxEntry: Sendable, Equatable {
    public var eventID: String
    public var integrationID: String
    /// Epoch milliseconds.
    public var createdAt: Int64
    public init(eventID: String, integrationID: String, createdAt: Int64) {
        self.eventID = eventID
        self.integrationID = integrationID
        self.createdAt = createdAt
    }
}
