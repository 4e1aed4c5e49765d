import Logging
import ServiceLifecycle

/// Two-way sync with the destinations the relay reads back: every minute, the records closed there dismiss their
/// alerts in Prisma Cloud (`ActionService.syncClosures`). Replicas doing the same at once are harmless: Prisma
/// answers the second dismissal "no longer in the expected state", and an alert no longer open is left alone.
struct ClosureSync: Service {
    let app: RelayApp
    var interval: Duration = .seconds(60)

    func run() async throws {
        while !Task.isShuttingDownGracefully {
            do {
                try await app.actions.syncClosures()
            } catch {
                app.logger.warning("two-way sync failed", metadata: ["error": .string("\(error)")])
            }
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                break
            }
        }
    }
}
