/// A delivery given up on.
public struct DeadLetter: Sendable, Equatable {
    public var seq: Int64
    public var eventID: String
    public var integrationID: String
    public var attempts: Int
    public var reason: String
    public var failedAt: Int64
    public init(seq: Int64, eventID: String, integrationID: String, attempts: Int, reason: String, failedAt: Int64) {
        self.seq = seq
        self.eventID = eventID
        self.integrationID = integrationID
        self.attempts = attempts
        self.reason = reason
        self.failedAt = failedAt
    }
}
