import ServiceLifecycle
import Synchronization

/// Which of `serve`'s background services are still running: a stop that has to be forced names them, so the part
/// that did not return when asked is known from the log alone.
public final class RunningServices: Sendable {
    private let names = Mutex<Set<String>>([])

    public init() {}

    /// The services running now, by name, in order.
    public var running: [String] { names.withLock { $0.sorted() } }

    /// `service`, listed as running under `name` (each name is one service) while its `run` has not returned.
    func tracking(_ service: any Service, as name: String) -> any Service { Tracked(service: service, name: name, running: self) }

    struct Tracked: Service {
        let service: any Service
        let name: String
        let running: RunningServices

        func run() async throws {
            running.names.withLock { _ = $0.insert(name) }
            defer { running.names.withLock { _ = $0.remove(name) } }
            try await service.run()
        }
    }
}
