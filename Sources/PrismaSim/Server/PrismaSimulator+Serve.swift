import HTTPServing
import NIOSSL

extension PrismaSimulator {
    /// Serves this simulator over HTTP on `host:port` (port 0 picks a free one).
    public func serve(host: String = "127.0.0.1", port: Int = 0, tls: TLSConfiguration? = nil) async throws -> HTTPServerHandle {
        try await HTTPServerHandle.start(router: SimRouter.build(self), host: host, port: port, tls: tls)
    }
}
