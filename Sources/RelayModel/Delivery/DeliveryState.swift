/// An event's delivery to one integration.
public struct DeliveryState: Sendable, Equatable {
    public var integrationID: String
    /// `pending`, `delivered`, `dead` or `discarded`.
    public var state: String
    public var attempts: Int
    public var lastError: String?
    public var finishedAt: Int64?
    public init(integrationID: String, state: String, attempts: Int, lastError: String?, finishedAt: Int64?) {
        self.integrationID = integrationID
        self.state = state
        self.attempts = attempts
        self.lastError = lastError
        self.finishedAt = finishedAt
    }
}
