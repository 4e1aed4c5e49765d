import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import NIOSSL
import ServiceLifecycle

/// A Hummingbird application running in the background on a loopback or given port, for the demo, the
/// `sim` command and tests. `stop()` shuts it down gracefully.
public final class HTTPServerHandle: Sendable {
    /// The base URL, e.g. `http://127.0.0.1:8181`.
    public let url: String
    /// The bound port.
    public let port: Int
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    init(url: String, port: Int, group: ServiceGroup, task: Task<Void, any Error>) {
        self.url = url
        self.port = port
        self.group = group
        self.task = task
    }

    /// Starts `router` on `host:port` (port 0 picks a free one) and returns once it accepts connections.
    public static func start(
        router: Router<BasicRequestContext>, host: String = "127.0.0.1", port: Int = 0, tls: TLSConfiguration? = nil,
        logger: Logger = Logger(label: "prisma-relay.http", factory: { _ in SwiftLogNoOpLogHandler() })
    ) async throws -> HTTPServerHandle {
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let app = Application(
            router: router, server: try tls.map { try .tls(.http1(), tlsConfiguration: $0) } ?? .http1(),
            configuration: .init(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? port) }, logger: logger)
        let group = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger))
        let task = Task {
            defer { continuation.finish() }
            try await group.run()
        }
        var iterator = ports.makeAsyncIterator()
        guard let bound = await iterator.next() else {
            _ = try await task.value
            throw HTTPServerStartError(host: host, port: port)
        }
        return HTTPServerHandle(url: "\(tls == nil ? "http" : "https")://\(host):\(bound)", port: bound, group: group, task: task)
    }

    /// Stops accepting requests, lets the ones in flight finish, and waits for the server to end.
    public func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }

    /// Waits until the server ends (for a foreground `sim`).
    public func wait() async throws { try await task.value }
}

/// The server ended before it started listening.
public struct HTTPServerStartError: Error, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var description: String { "could not listen on \(host):\(port): is the port already in use?" }
}
