import Dispatch
import Foundation
import Logging
import Relay
import ServiceLifecycle
import UnixSignals

/// A stop that never finishes is ended, in two steps. When the shutdown grace and 5 s more have passed after SIGTERM
/// or SIGINT, every part still running is cancelled (sleeps, requests and statements in flight end at once). When
/// the grace and 20 s have passed, the process exits, whatever is still running. Polls and deliveries commit as they
/// go, so what was in flight stays queued for the next start (as after a crash); the line logged says the stop was
/// forced and names the services still running. Without it, a part that does not return when asked would keep a replica (and its rolling restart)
/// waiting for ever.
enum ShutdownDeadline {
    /// The service group `serve` runs: it stops gracefully on SIGTERM or SIGINT, and cancels what has not stopped
    /// when the grace and 5 s have passed.
    static func serviceGroup(running service: some Service, graceSeconds: Int64, logger: Logger) -> ServiceGroup {
        var configuration = ServiceGroupConfiguration(services: [service], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        configuration.maximumGracefulShutdownDuration = .seconds(graceSeconds + 5)
        configuration.maximumCancellationDuration = .seconds(10)
        return ServiceGroup(configuration: configuration)
    }

    /// Watches the signals until the returned sources are released.
    static func arm(graceSeconds: Int64, services: RunningServices, logger: Logger) -> [any DispatchSourceSignal] {
        let seconds = Int(graceSeconds) + 20
        return [SIGTERM, SIGINT].map { signal in
            let source = DispatchSource.makeSignalSource(signal: signal, queue: .global())
            source.setEventHandler {
                DispatchQueue.global().asyncAfter(deadline: .now() + .seconds(seconds)) {
                    // The HTTP server is the one part not tracked: none of the others still running points at it.
                    let running = services.running
                    logger.error(
                        "the relay did not stop within \(seconds) s of being asked to; exiting now (what was in flight stays queued for the next start)",
                        metadata: ["still_running": .string(running.isEmpty ? "the HTTP server" : running.joined(separator: ", "))])
                    exit(0)
                }
            }
            source.resume()
            return source
        }
    }
}
