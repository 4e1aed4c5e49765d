import Synchronization

/// What destinations remember between deliveries while the process runs: the reference a remote system gave an
/// alert when the relay created it there (a Cortex XSOAR incident id), and when. A search right after a create may
/// not see the new record yet (the remote index lags); with this the destination waits for it instead of creating a
/// second one. Bounded: past `capacity` entries the oldest are forgotten, and a forgotten alert is found by search.
public final class DestinationMemory: Sendable {
    public struct Entry: Sendable, Equatable {
        public var reference: String
        /// When it was created, epoch milliseconds.
        public var at: Int64
    }

    let capacity: Int
    private let entries = Mutex<(byKey: [String: Entry], order: [String])>(([:], []))

    public init(capacity: Int = 10_000) { self.capacity = capacity }

    /// Notes that `key` of `integrationID` is `reference` in the remote system since `at`.
    public func remember(_ reference: String, for key: String, of integrationID: String, at: Int64) {
        let slot = integrationID + "\u{0}" + key
        entries.withLock { state in
            if state.byKey.updateValue(Entry(reference: reference, at: at), forKey: slot) == nil { state.order.append(slot) }
            if state.order.count > capacity {
                let dropped = state.order.count - capacity
                for old in state.order.prefix(dropped) { state.byKey[old] = nil }
                state.order.removeFirst(dropped)
            }
        }
    }

    /// What was noted for `key` of `integrationID`, if anything.
    public func recall(_ key: String, of integrationID: String) -> Entry? {
        entries.withLock { $0.byKey[integrationID + "\u{0}" + key] }
    }
}
