import AsyncHTTPClient
import Foundation
import HTTPServing
import NIOCore
import NIOHTTP1
import RelayHTTP
import RelayModel
import TestSupport
import Testing

/// Failures of real requests over loopback, each told apart as the operator fixes it.
@Suite("Transport failures told apart")
struct TransportFailureTests {
    /// The failure of one GET, classified.
    static func failure(_ url: String, within timeout: TimeAmount = .seconds(2)) async -> TransportFailure? {
        do {
            _ = try await HTTPExchange(policy: .allowingLoopback, timeout: timeout).send(
                .GET, url, headers: [], body: nil, contentType: nil)
            return nil
        } catch {
            return NetworkFailure.classify(error)
        }
    }

    @Test("a port nothing listens on is refused")
    func refused() async throws {
        // A port that was just free: bound, then released.
        let server = try await HangingServer()
        let url = server.url
        await server.stop()
        #expect(await Self.failure(url + "/x") == .refused)
    }

    @Test("a server that accepts and never answers is no answer in time")
    func noAnswer() async throws {
        let server = try await HangingServer()
        defer { Task { await server.stop() } }
        #expect(await Self.failure(server.url + "/x") == .noAnswer)
    }

    @Test("https to a port that speaks something else fails in the TLS handshake")
    func tls() async throws {
        let receiver = WebhookReceiver(token: "t")
        let server = try await receiver.serve()
        defer { Task { await server.stop() } }
        // The handshake counts against the client's 10 s connect limit: on a machine loaded by the whole suite its
        // failure may arrive after that, as a connect timeout, so a timeout is tried again (at most twice).
        let url = server.url.replacingOccurrences(of: "http://", with: "https://") + "/x"
        var failure = await Self.failure(url, within: .seconds(20))
        for _ in 0..<2 where failure == .timedOut { failure = await Self.failure(url, within: .seconds(20)) }
        guard case .tls = failure else {
            Issue.record("expected a TLS failure, got \(String(describing: failure))")
            return
        }
    }

    @Test("a host name that does not resolve is DNS")
    func dns() async {
        #expect(await Self.failure("http://relay-tests.invalid/x") == .dns)
    }

    @Test("errors the network stack raises map to their kinds")
    func classification() {
        #expect(NetworkFailure.classify(IOError(errnoCode: 111, reason: "connection reset (error set)")) == .refused)
        #expect(NetworkFailure.classify(IOError(errnoCode: 104, reason: "read")) == .reset)
        #expect(NetworkFailure.classify(IOError(errnoCode: 110, reason: "connect")) == .timedOut)
        #expect(NetworkFailure.classify(IOError(errnoCode: 113, reason: "connect")) == .noRoute)
        #expect(NetworkFailure.classify(HTTPClientError.connectTimeout) == .timedOut)
        #expect(NetworkFailure.classify(HTTPClientError.readTimeout) == .noAnswer)
        #expect(NetworkFailure.classify(HTTPClientError.remoteConnectionClosed) == .closed)
        #expect(NetworkFailure.isConnectionFailure(IOError(errnoCode: 111, reason: "x")))
        #expect(!NetworkFailure.isConnectionFailure(OutboundRefusal(host: "h", address: "10.0.0.1", reason: "private address")))
    }
}
