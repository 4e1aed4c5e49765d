import Logging
import RelayStore
import ServiceLifecycle

/// Runs the delivery engine for every integration until graceful shutdown: at once when the store queues
/// deliveries, and about once a second for what comes due later (retries, holds). Then it claims
/// no new work, gives the requests in flight `grace` to be answered and recorded, and cancels the rest: their rows
/// stay queued for the next start.
public struct DeliveryService: Service {
    let engine: DeliveryEngine
    let store: any RelayStore
    let tick: Duration
    let grace: Duration

    public init(engine: DeliveryEngine, store: any RelayStore, tick: Duration = .seconds(1), grace: Duration = .seconds(10)) {
        self.engine = engine
        self.store = store
        self.tick = tick
        self.grace = grace
    }

    public func run() async throws {
        let rounds = Task { await deliverUntilShutdown() }
        await withGracefulShutdownHandler {
            await withTaskCancellationHandler {
                await rounds.value
            } onCancel: {
                rounds.cancel()
            }
        } onGracefulShutdown: { [grace] in
            Task {
                try? await Task.sleep(for: grace)
                rounds.cancel()
            }
        }
    }

    func deliverUntilShutdown() async {
        // While the store is unreachable every round fails the same way: said once, and once when it is over.
        var failing: String?
        while !Task.isShuttingDownGracefully {
            var busy = false
            do {
                for integration in try await store.integrations() where !Task.isShuttingDownGracefully {
                    if try await engine.deliverDue(integration) > 0 { busy = true }
                }
                if failing != nil { engine.logger.notice("delivery rounds succeed again") }
                failing = nil
            } catch {
                // Cancelled past the shutdown grace: the rows of the round stay queued for the next start.
                if Task.isCancelled { return }
                if failing != "\(error)" { engine.logger.error("delivery round failed", metadata: ["error": .string("\(error)")]) }
                failing = "\(error)"
            }
            // While there is work, go straight on; when every queue is idle (or waiting to retry), wait for the tick
            // or for the store to queue something, whichever comes first.
            if busy { continue }
            await cancelWhenGracefulShutdown { [store, tick] in await store.queued.wait(atMost: tick) }
            if Task.isCancelled { return }
        }
    }
}
