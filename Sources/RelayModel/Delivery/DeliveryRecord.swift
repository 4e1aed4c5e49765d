/// What became of one delivery attempt.
public enum DeliveryResult: Sendable, Equatable {
    case delivered
    /// Try again at `nextAttemptAt` (epoch ms).
    case retry(nextAttemptAt: Int64, error: String)
    /// Given up: kept as a dead letter with the reason, never silently dropped.
    case dead(reason: String)
    /// Not attempted yet: due again at `until` (epoch ms), attempts unchanged.
    case held(until: Int64)
}

/// What became of one outbox row.
public struct DeliveryRecord: Sendable, Equatable {
    public var seq: Int64
    public var result: DeliveryResult
    public init(seq: Int64, result: DeliveryResult) {
        self.seq = seq
        self.result = result
    }
}
