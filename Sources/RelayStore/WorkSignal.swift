import NIOConcurrencyHelpers

/// Rings when a store queues deliveries, so that a delivery loop waiting for work starts at once instead of at its
/// next tick. A ring while nobody waits is kept (once) for the next wait, so work queued during a round is never
/// missed; a spurious wake costs one round that finds nothing.
///
/// It is a shortcut within one process: replicas sharing a PostgreSQL store see each other's work at their tick.
public final class WorkSignal: Sendable {
    struct State {
        var rung = false
        var next = 0
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
        /// Waits ended (timed out or cancelled) before they began waiting.
        var ended: Set<Int> = []
    }
    private let state = NIOLockedValueBox(State())

    public init() {}

    /// Wakes every waiter, or the next wait when nobody waits.
    public func ring() {
        let waiting = state.withLockedValue { state in
            let waiting = Array(state.waiters.values)
            state.waiters.removeAll()
            if waiting.isEmpty { state.rung = true }
            return waiting
        }
        for waiter in waiting { waiter.resume() }
    }

    /// Returns when the signal rings (at once if it rang since the last wait), after `limit`, or when the task is
    /// cancelled, whichever comes first.
    public func wait(atMost limit: Duration) async {
        let id = state.withLockedValue { state in
            state.next += 1
            return state.next
        }
        let timer = Task {
            guard (try? await Task.sleep(for: limit)) != nil else { return }
            wake(id)
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
                let now = state.withLockedValue { state in
                    if state.ended.remove(id) != nil || Task.isCancelled { return true }
                    if state.rung {
                        state.rung = false
                        return true
                    }
                    state.waiters[id] = waiter
                    return false
                }
                if now { waiter.resume() }
            }
        } onCancel: {
            wake(id)
        }
        timer.cancel()
        await timer.value
        _ = state.withLockedValue { $0.ended.remove(id) }
    }

    /// Ends one wait, if it is still waiting.
    private func wake(_ id: Int) {
        state.withLockedValue { state -> CheckedContinuation<Void, Never>? in
            guard let waiter = state.waiters.removeValue(forKey: id) else {
                state.ended.insert(id)
                return nil
            }
            return waiter
        }?.resume()
    }
}
