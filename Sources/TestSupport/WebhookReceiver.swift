import Foundation
import HTTPServing
import HTTPTypes
import Hummingbird
import NIOCore
import NIOSSL
import RelayModel

/// A strict receiver of the generic webhook contract, for tests: it demands `Authorization: Bearer <token>`, a JSON
/// content type and a JSON body, answers as a webhook service would, records what it accepted, and can be
/// scripted to fail first ("503 twice, then accept").
public actor WebhookReceiver {
    /// One request that was accepted.
    public struct Received: Sendable {
        public var headers: [String: String]
        public var body: JSONValue
    }

    /// A scripted answer: a status and, optionally, a `Retry-After` in seconds or a `Location` to redirect to.
    public struct Scripted: Sendable {
        public var status: Int
        public var retryAfter: Int?
        public var location: String?
        public init(_ status: Int, retryAfter: Int? = nil, location: String? = nil) {
            self.status = status
            self.retryAfter = retryAfter
            self.location = location
        }
    }

    let token: String
    public private(set) var received: [Received] = []
    /// Every request, accepted or not.
    public private(set) var requests = 0
    private var script = FailureScript<Scripted>()

    public init(token: String) { self.token = token }

    /// Answers 503 to everything while down, as a service in an outage.
    public private(set) var down = false

    /// Queues answers to give before accepting again.
    public func fail(with answers: [Scripted]) { script.add(answers) }

    /// Takes the service down (every request answered 503) or brings it back.
    public func setDown(_ isDown: Bool) { down = isDown }

    /// How long each answer takes, as a remote, busy service's would.
    public private(set) var latency: Duration?
    /// Requests being answered now, and the most there ever were at once.
    public private(set) var inFlight = 0
    public private(set) var peakInFlight = 0

    /// Answers every request after `latency`.
    public func setLatency(_ latency: Duration?) { self.latency = latency }

    /// Whether requests that arrive wait, unanswered, for `release()`.
    private var held = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    /// Holds every request that arrives, unanswered, until `release()`.
    public func hold() { held = true }

    /// Answers the requests held, and those that arrive after, as usual.
    public func release() {
        held = false
        for request in waiting { request.resume() }
        waiting = []
    }

    func waitWhileHeld() async {
        guard held else { return }
        await withCheckedContinuation { waiting.append($0) }
    }

    func arrive() -> Duration? {
        inFlight += 1
        peakInFlight = max(peakInFlight, inFlight)
        return latency
    }

    func leave() { inFlight -= 1 }

    func handle(headers: [String: String], body: [UInt8]) -> (Int, [(String, String)], String) {
        requests += 1
        if down { return (503, [], #"{"error":"service unavailable"}"#) }
        guard headers["authorization"] == "Bearer \(token)" else { return (401, [], #"{"error":"invalid or missing bearer token"}"#) }
        guard headers["content-type"]?.hasPrefix("application/json") == true else {
            return (415, [], #"{"error":"expected application/json"}"#)
        }
        guard let json = try? JSONValue.parse(body) else { return (400, [], #"{"error":"body is not JSON"}"#) }
        if let next = script.next() {
            let extra = [next.retryAfter.map { ("Retry-After", String($0)) }, next.location.map { ("Location", $0) }].compactMap { $0 }
            return (next.status, extra, #"{"error":"scripted failure"}"#)
        }
        received.append(Received(headers: headers, body: json))
        return (200, [], #"{"ok":true}"#)
    }

    /// Serves the receiver at `/hook` on loopback (over HTTPS with `tls`).
    public func serve(tls: TLSConfiguration? = nil) async throws -> HTTPServerHandle {
        let router = Router()
        router.post("hook") { [self] request, _ in
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            let body = try await request.body.collect(upTo: 10 << 20)
            if let latency = await arrive() { try? await Task.sleep(for: latency) }
            await waitWhileHeld()
            let (status, extra, text) = await handle(headers: headers, body: Array(body.readableBytesView))
            await leave()
            var fields = HTTPFields()
            fields[.contentType] = "application/json"
            for (name, value) in extra { fields[HTTPField.Name(name)!] = value }
            return Response(status: .init(code: status), headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        }
        return try await HTTPServerHandle.start(router: router, tls: tls)
    }
}
