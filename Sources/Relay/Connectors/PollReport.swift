import RelayModel

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

extension PollReport {
    /// What Poll now did, in one sentence that reads right when nothing was new: "no new alerts since the last poll at
    /// 14:05 UTC (1,204 stored in all)" rather than a bare 0 — the scheduler's poll often took them a moment before.
    public func sentence(connector: String, type: ConnectorType, previousPollAt: Int64?, total: Int) -> String {
        if let error { return "Polling \(connector) failed: \(error)" }
        let findings = type == .cspm ? "alerts" : "incidents"
        let stored = "\(total) stored in all"
        if added > 0 {
            return "Polled \(connector): \(added) new events added (\(fetched) \(findings) fetched; \(stored))."
        }
        guard let previousPollAt else {
            return "Polled \(connector): Prisma Cloud had no \(findings) in the window (\(stored))."
        }
        let at = Timestamp.rfc3339(epochMilliseconds: previousPollAt).dropFirst(11).prefix(5)
        let seen = fetched > 0 ? "; the \(fetched) fetched were stored already" : ""
        return "Polled \(connector): no new \(findings) since the last poll at \(at) UTC (\(stored)\(seen))."
    }
}
