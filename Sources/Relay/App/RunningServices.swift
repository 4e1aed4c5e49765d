import ServiceLifecycle
import Synchronization

/// Which of `serve`'s background services are still running: a stop that has to be forced names them, so the part
/// that did not return when asked is known from the log alone.
public final class RunningServices: Sendable {
    private let names = Mutex<[String: Int]>([:])

    public init() {}

    /// The services running now, by name, in order.
    public var running: [String] { names.withLock { $0.filter { $0.value > 0 }.keys.sorted() } }

    /// `service`, counted as running under `name` while its `run` has not returned.
    func tracking(_ service: any Service, as name: String) -> any Service { Tracked(service: service, name: name, running: self) }

    struct Tracked: Service {
        let service: any Service
        let name: String
        let running: RunningServices

        func run() async throws {
            running.names.withLock { $0[name, default: 0] += 1 }
            defer { running.names.withLock { $0[name, default: 1] -= 1 } }
            try await service.run()
        }
    }
}
