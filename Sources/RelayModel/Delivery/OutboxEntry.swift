/// One delivery waiting in the outbox.
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
