/// What one poll did.
public struct PollReport: Sendable, Equatable {
    /// The window asked for, epoch milliseconds.
    public var windowStart: Int64
    public var windowEnd: Int64
    /// Pages and alerts received.
    public var pages = 0
    public var fetched = 0
    /// Bytes of alert JSON received.
    public var bytes = 0
    /// Events that were not stored before.
    public var added = 0
    /// Findings that could not be identified, kept as rejected findings.
    public var rejected = 0
    /// Why the poll stopped early, in an operator's words; nil when it completed.
    public var error: String?
    /// Set when the poll did not start because another worker holds the connector's lease: by then it has run
    /// out or been renewed, so that is when to try again (epoch ms).
    public var leaseHeldUntil: Int64?

    public init(windowStart: Int64, windowEnd: Int64) {
        self.windowStart = windowStart
        self.windowEnd = windowEnd
    }
}
