import Dispatch
import Foundation
import Logging
import Relay

/// A stop that never finishes is ended: once SIGTERM or SIGINT has asked the relay to stop, the process exits when
/// the shutdown grace and 20 s more have passed, whatever is still running. Polls and deliveries commit as they
/// go, so what was in flight stays queued for the next start (as after a crash); the line logged says the stop was
/// forced and names the services still running. Without it, a part that does not return when asked would keep a replica (and its rolling restart)
/// waiting for ever.
enum ShutdownDeadline {
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
