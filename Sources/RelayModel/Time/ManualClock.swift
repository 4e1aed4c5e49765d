import Foundation

/// A clock moved by hand, for driving the simulator (and a relay beside it) through time without waiting.
public final class ManualClock: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Int64

    /// Starts at `start`, epoch milliseconds.
    public init(_ start: Int64) { value = start }

    /// The current time, epoch milliseconds.
    public var now: Int64 { lock.withLock { value } }

    /// Moves the clock forward.
    public func advance(seconds: Int64) { lock.withLock { value += seconds * 1000 } }

    /// Moves the clock forward by a number of milliseconds.
    public func advance(milliseconds: Int64) { lock.withLock { value += milliseconds } }
}
