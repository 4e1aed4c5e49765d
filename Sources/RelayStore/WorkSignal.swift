import NIOConcurrencyHelpers

/// Rings when a store queues deliveries, so that a delivery loop waiting for work starts at once instead of at its
/// next tick. A ring while nobody waits is kept (once) for the next wait, so work queued during a round is never
/// missed; a spurious wake costs one round that finds nothing.
///
/// A store rings its own signal when it queues; PostgreSQL replicas also ring each other's (`PostgresStore+Notify`).
public final class WorkSignal: Sendable {
    /// Where a wait is: about to wait, waiting, or ended (by its limit or cancellation) before it began waiting.
    enum Wait {
        case starting
        case waiting(CheckedContinuation<Void, Never>)
        case ended
    }
    struct State {
        var rung = false
        var next = 0
        var waits: [Int: Wait] = [:]
    }
    private let state = NIOLockedValueBox(State())

    public init() {}

    /// Wakes every waiter, or the next wait when nobody waits.
    public func ring() {
        let waiting = state.withLockedValue { state -> [CheckedContinuation<Void, Never>] in
            var waiting: [CheckedContinuation<Void, Never>] = []
            for (id, wait) in state.waits {
                guard case .waiting(let waiter) = wait else { continue }
                waiting.append(waiter)
                state.waits[id] = nil
            }
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
            state.waits[state.next] = .starting
            return state.next
        }
        let timer = Task {
            guard (try? await Task.sleep(for: limit)) != nil else { return }
            wake(id)
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
                let now = state.withLockedValue { state in
                    guard case .starting = state.waits[id], !Task.isCancelled else { return true }
                    if state.rung {
                        state.rung = false
                        return true
                    }
                    state.waits[id] = .waiting(waiter)
                    return false
                }
                if now { waiter.resume() }
            }
        } onCancel: {
            wake(id)
        }
        timer.cancel()
        _ = state.withLockedValue { $0.waits.removeValue(forKey: id) }
    }

    /// Ends one wait, if it has not ended yet.
    private func wake(_ id: Int) {
        state.withLockedValue { state -> CheckedContinuation<Void, Never>? in
            switch state.waits[id] {
            case .waiting(let waiter):
                state.waits[id] = nil
                return waiter
            case .starting:
                state.waits[id] = .ended
                return nil
            case .ended, nil:
                return nil
            }
        }?.resume()
    }
}
