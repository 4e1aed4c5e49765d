import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A TCP server on loopback that accepts connections and never answers — a destination that hangs. It counts
/// what it accepted and closes everything when stopped.
public final class HangingServer: Sendable {
    let channel: any Channel
    private let accepted: NIOLockedValueBox<[any Channel]>

    public var url: String { "http://127.0.0.1:\(channel.localAddress?.port ?? 0)" }
    /// Connections accepted so far.
    public var connections: Int { accepted.withLockedValue { $0.count } }

    public init() async throws {
        let accepted = NIOLockedValueBox<[any Channel]>([])
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { child in
                accepted.withLockedValue { $0.append(child) }
                return child.eventLoop.makeSucceededVoidFuture()
            }
            .bind(host: "127.0.0.1", port: 0).get()
        self.accepted = accepted
    }

    public func stop() async {
        for child in accepted.withLockedValue({ $0 }) { try? await child.close() }
        try? await channel.close()
    }
}
