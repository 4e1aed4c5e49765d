import Logging
import ServiceLifecycle

/// A `serve` task run every minute until shutdown; a round that fails is logged and the next one tries again.
struct EveryMinute: Service {
    let app: RelayApp
    /// What it does, for the log.
    let what: String
    var interval: Duration = .seconds(60)
    let work: @Sendable (RelayApp) async throws -> Void

    func run() async throws {
        while !Task.isShuttingDownGracefully {
            do {
                try await work(app)
            } catch {
                app.logger.warning("\(what) failed", metadata: ["error": .string("\(error)")])
            }
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                break
            }
        }
    }
}
