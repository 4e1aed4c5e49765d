import Synchronization

/// Until when a source asked not to be called (a rate limit's reset): lookups before then fail at once, without a
/// request, so a limited source is never hammered.
public final class RateGate: Sendable {
    private let until = Mutex<Int64>(0)

    public init() {}

    /// Closes the gate until `time` (epoch milliseconds), or keeps it closed longer if it already is.
    public func close(until time: Int64) { until.withLock { $0 = max($0, time) } }

    /// When the gate opens, if it is closed at `now`.
    public func closed(at now: Int64) -> Int64? {
        let time = until.withLock { $0 }
        return time > now ? time : nil
    }
}
