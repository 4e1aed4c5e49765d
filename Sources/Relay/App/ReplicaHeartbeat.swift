import Foundation
import Logging
import RelayModel
import RelayStore
import ServiceLifecycle

/// Says in the store, every few seconds, that this process is alive (`prisma-relay replicas`, the API and the
/// console list what it says), and says goodbye when it stops gracefully. It is the first of `serve`'s services,
/// so it stops last: its goodbye comes after the polls and deliveries have finished.
public struct ReplicaHeartbeat: Service {
    let app: RelayApp
    let interval: Duration

    public init(app: RelayApp, interval: Duration = .milliseconds(Replica.heartbeatInterval)) {
        self.app = app
        self.interval = interval
    }

    public func run() async throws {
        let started = app.clock()
        func beat(stopped: Bool = false) async {
            let now = app.clock()
            var replica = app.replica(startedAt: started, at: now)
            if stopped { replica.stoppedAt = now }
            do {
                try await app.store.recordHeartbeat(replica)
            } catch {
                // The database being away is reported by what needs it (polls, deliveries, /readyz); the next beat tries again.
                app.logger.warning("heartbeat not recorded", metadata: ["error": .string("\(error)")])
            }
        }
        while !Task.isShuttingDownGracefully {
            await beat()
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                break
            }
        }
        await beat(stopped: true)
    }
}

extension RelayApp {
    /// This process as a replica, for its heartbeat.
    func replica(startedAt: Int64, at now: Int64) -> Replica {
        Replica(
            id: workerID, host: ProcessInfo.processInfo.hostName, pid: Int64(ProcessInfo.processInfo.processIdentifier),
            version: Self.version, startedAt: startedAt, heartbeatAt: now)
    }

    /// The build, as replicas report it.
    public static let version = "0.13.0"

    /// Every replica that beat in the last day, with what it holds.
    public func replicas() async throws -> [Replica] { try await store.replicas(now: clock()) }
}
