/// What an operator sees of a connector: is it working, and if not, why.
public struct ConnectorState: Sendable, Equatable {
    /// The connector's status badge.
    public enum Status: String, Sendable, Codable {
        /// Configured, never polled yet.
        case pending = "Pending"
        /// The last poll succeeded.
        case active = "Active"
        /// The last poll failed; `lastError` says why.
        case error = "Error"
        /// Switched off by the operator.
        case disabled = "Disabled"
    }

    public var status: Status
    /// When the last poll ended, in epoch milliseconds.
    public var lastPollAt: Int64?
    /// When the last successful poll ended, in epoch milliseconds.
    public var lastSuccessAt: Int64?
    /// Events added by the last successful poll.
    public var lastEventsAdded: Int
    /// Events stored for this connector in all.
    public var totalEvents: Int
    /// The last error, in words an operator can act on; cleared by a successful poll.
    public var lastError: String?
    /// The end of the last fully collected window, in epoch milliseconds.
    public var cursor: Int64?
    /// Findings Prisma returned that the relay could not identify, kept as rejected findings.
    public var rejectedFindings: Int
    /// What a poll in progress waits for ("rate limited by Prisma Cloud, retrying until 10:42:05 UTC"); cleared when
    /// the poll ends.
    public var waiting: String?
    /// When a poll last added events, epoch ms.
    public var lastAddedAt: Int64?
    /// When the connector was added, epoch ms.
    public var createdAt: Int64?

    public init(
        status: Status = .pending, lastPollAt: Int64? = nil, lastSuccessAt: Int64? = nil, lastEventsAdded: Int = 0,
        totalEvents: Int = 0, lastError: String? = nil, cursor: Int64? = nil, rejectedFindings: Int = 0, waiting: String? = nil,
        lastAddedAt: Int64? = nil, createdAt: Int64? = nil
    ) {
        self.lastAddedAt = lastAddedAt
        self.createdAt = createdAt
        self.waiting = waiting
        self.status = status
        self.lastPollAt = lastPollAt
        self.lastSuccessAt = lastSuccessAt
        self.lastEventsAdded = lastEventsAdded
        self.totalEvents = totalEvents
        self.lastError = lastError
        self.cursor = cursor
        self.rejectedFindings = rejectedFindings
    }
}
