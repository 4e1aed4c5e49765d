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

extension DeliveryState {
    /// As the events API shows it with the event: `integrationId`, `state`, `attempts`, `lastError`, `finishedAt`.
    public var jsonValue: JSONValue {
        .object([
            "integrationId": .string(integrationID), "state": .string(state), "attempts": .int(attempts),
            "lastError": .optional(lastError), "finishedAt": .optional(finishedAt.map(Timestamp.rfc3339(epochMilliseconds:))),
        ])
    }
}
