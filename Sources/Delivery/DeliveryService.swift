import Logging
import RelayStore
import ServiceLifecycle

/// Runs the delivery engine for every integration, about once a second, until graceful shutdown.
public struct DeliveryService: Service {
    let engine: DeliveryEngine
    let store: any RelayStore
    let tick: Duration

    public init(engine: DeliveryEngine, store: any RelayStore, tick: Duration = .seconds(1)) {
        self.engine = engine
        self.store = store
        self.tick = tick
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully {
            var busy = false
            do {
                for integration in try await store.integrations() where !Task.isShuttingDownGracefully {
                    if try await engine.deliverDue(integration) > 0 { busy = true }
                }
            } catch {
                engine.logger.error("delivery round failed", metadata: ["error": .string("\(error)")])
            }
            // While there is work, go straight on; wait only when every queue is idle (or waiting to retry).
            if busy { continue }
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: tick) }
            } catch {
                return
            }
        }
    }
}
