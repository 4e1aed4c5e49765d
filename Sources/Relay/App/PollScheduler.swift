import Logging
import RelayModel
import ServiceLifecycle

/// Polls every enabled connector on its interval for as long as the service runs. On graceful shutdown it starts
/// no new poll; a poll in flight either commits its last page with the cursor or leaves its window to the next run.
public struct PollScheduler: Service {
    let app: RelayApp
    /// How often due connectors are looked for.
    let tick: Duration

    public init(app: RelayApp, tick: Duration = .seconds(1)) {
        self.app = app
        self.tick = tick
    }

    /// The connectors due at `now`: enabled, and never polled or polled at least an interval ago.
    public static func due(_ connectors: [(ConnectorConfig, ConnectorState)], now: Int64) -> [ConnectorConfig] {
        connectors.filter { config, state in
            config.enabled && (state.lastPollAt.map { now - $0 >= Int64(config.intervalSeconds) * 1000 } ?? true)
        }.map(\.0)
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully {
            do {
                var connectors: [(ConnectorConfig, ConnectorState)] = []
                for config in try await app.store.connectors() {
                    connectors.append((config, try await app.store.state(of: config.name)))
                }
                for config in Self.due(connectors, now: app.clock()) where !Task.isShuttingDownGracefully {
                    await app.poller(for: config).poll()
                }
            } catch {
                app.logger.error("scheduler could not read connectors", metadata: ["error": .string("\(error)")])
            }
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: tick) }
            } catch {
                return
            }
        }
    }
}
