import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Testing

/// Slow or half-sent requests cannot hold `serve`.
@Suite("prisma-relay serve under slow clients")
struct SlowClientTests {
    @Test("connections that never finish their headers are closed within the idle timeout, while /healthz keeps answering")
    func slowlorisDisconnected() async throws {
        let cli = try CLI()
        let serve = try BackgroundCLI(["serve", "--port", "0", "--idle-timeout", "3"], in: cli)
        defer { Task { _ = await serve.terminate() } }
        let banner = try await serve.waitFor("PrismaRelay serving on http://127.0.0.1:")
        let port = try #require(Int(banner.split(separator: ":").last?.split(separator: " ").first ?? ""))
        var slow: [any Channel] = []
        for _ in 0..<50 {
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton).connect(host: "127.0.0.1", port: port)
                .get()
            // Half a request head, and then nothing more (on a loaded machine the server may have closed it already).
            try? await channel.writeAndFlush(ByteBuffer(string: "GET /healthz HTTP/1.1\r\nHost: relay\r\nX-Slow: ")).get()
            slow.append(channel)
        }
        let health = try await HTTPClient.shared.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/healthz"), timeout: .seconds(5))
        #expect(health.status.code == 200)
        // Every slow connection is at most this old now, and its idle timeout is 3 seconds.
        let opened = Date()
        for channel in slow {
            // Closed by this side only if the server never does, so a failure cannot hang the suite.
            channel.eventLoop.scheduleTask(in: .seconds(15)) { channel.close(promise: nil) }
            try await channel.closeFuture.get()
        }
        let closedAfter = Date().timeIntervalSince(opened)
        #expect(closedAfter < 9, "slow connections stayed open \(closedAfter) s")
        let again = try await HTTPClient.shared.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/healthz"), timeout: .seconds(5))
        #expect(again.status.code == 200)
    }
}
