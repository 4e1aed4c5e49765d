// `timespec` as the release build's member lookup finds it (the C library's types reach this target through
// Dispatch's C module).
import CDispatch
import Dispatch
import Foundation
import HTTPServing
import HTTPTypes
import Hummingbird
import NIOCore
import RelayModel

/// A strict Splunk HTTP Event Collector for tests, from the documented contract: `Authorization: Splunk <token>`
/// (codes 2, 3, 4), concatenated JSON events each with an `event` field (codes 5, 6, 12, 13 with
/// `invalid-event-number`), `{"text":"Success","code":0}` on success. Scriptable: answer "server is busy" (503,
/// code 9) a number of times, or refuse any event whose `native_id` is listed, as Splunk refuses a malformed one
/// after indexing the events before it.
public actor SplunkHECReceiver {
    let token: String
    /// Events indexed, in arrival order (the `event` objects); kept unless made with `keepsEvents: false`.
    public private(set) var indexed: [JSONValue] = []
    /// The `native_id` of each event indexed, in arrival order.
    public private(set) var nativeIDs: [String?] = []
    /// Whether whole events and envelopes are kept (a bench keeps only ids and arrivals, so that the receiver's
    /// memory does not grow with what it indexed).
    let keepsEvents: Bool
    /// Full envelopes indexed (time, sourcetype, …).
    public private(set) var envelopes: [JSONValue] = []
    public private(set) var requests = 0
    /// When each indexed event arrived (uptime nanoseconds), in the order of `indexed`.
    public private(set) var arrivals: [UInt64] = []
    /// Scripted refusals before the real answers.
    private var busy = FailureScript<Void>()
    private var poisoned: Set<String> = []

    /// The largest request body accepted, as `max_content_length` sets it (Splunk Cloud: about 1 MB).
    let maxContentLength: Int
    /// The size of every request body received, accepted or not.
    public private(set) var bodySizes: [Int] = []
    /// CPU seconds spent reading and checking request bodies (each on the thread that ran it), so that a bench in the
    /// same process can tell the receiver's share of its CPU time from the relay's.
    public private(set) var checkingCPUSeconds = 0.0

    /// Forgets what arrived so far (a bench's warm-up).
    public func forget() {
        indexed = []
        nativeIDs = []
        envelopes = []
        arrivals = []
        bodySizes = []
        checkingCPUSeconds = 0
    }

    /// What is read of an envelope that is not kept: whether it has an event, and the event's id.
    static let read: JSONSelection = ["event": ["native_id": .all]]

    public init(token: String, maxContentLength: Int = 1 << 20, keepsEvents: Bool = true) {
        self.token = token
        self.keepsEvents = keepsEvents
        self.maxContentLength = maxContentLength
    }

    /// Answer 503 code 9 to the next `count` requests.
    public func beBusy(_ count: Int) { busy.add(Array(repeating: (), count: count)) }

    /// Refuse (code 6) events with these alert ids.
    public func refuse(nativeIDs: [String]) { poisoned.formUnion(nativeIDs) }

    func answer(_ status: Int, _ code: Int, _ text: String, invalidEvent: Int? = nil) -> (Int, String) {
        var object: JSONObject = ["text": .string(text), "code": .int(code)]
        if let invalidEvent { object["invalid-event-number"] = .int(invalidEvent) }
        return (status, JSONValue.object(object).jsonString())
    }

    func handle(authorization: String?, body: [UInt8]) -> (Int, String) {
        let started = Self.threadCPUSeconds()
        defer { checkingCPUSeconds += Self.threadCPUSeconds() - started }
        requests += 1
        bodySizes.append(body.count)
        guard let authorization else { return answer(401, 2, "Token is required") }
        guard authorization.hasPrefix("Splunk ") else { return answer(401, 3, "Invalid authorization") }
        guard authorization.dropFirst(7) == token else { return answer(403, 4, "Invalid token") }
        if busy.next() != nil {
            return answer(503, 9, "Server is busy")
        }
        if body.count > maxContentLength {
            return (413, "Content-Length of \(body.count) too large (maximum is \(maxContentLength))")
        }
        // Every event is checked whole; one not kept is built only as far as what is read of it here.
        let (values, failedAt) = JSONValue.parseConcatenated(body, selecting: keepsEvents ? .all : Self.read)
        if values.isEmpty, failedAt == nil { return answer(400, 5, "No data") }
        for (index, value) in values.enumerated() {
            guard let event = value["event"] else { return answer(400, 12, "Event field is required", invalidEvent: index) }
            if event == .string("") || event == .null { return answer(400, 13, "Event field cannot be blank", invalidEvent: index) }
            if let id = event["native_id"]?.stringValue, poisoned.contains(id) {
                return answer(400, 6, "Invalid data format", invalidEvent: index)
            }
            nativeIDs.append(event["native_id"]?.stringValue)
            if keepsEvents {
                indexed.append(event)
                envelopes.append(value)
            }
            arrivals.append(DispatchTime.now().uptimeNanoseconds)
        }
        if let failedAt { return answer(400, 6, "Invalid data format", invalidEvent: failedAt) }
        return answer(200, 0, "Success")
    }

    /// The CPU time the calling thread has used, in seconds.
    static func threadCPUSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }

    /// Serves the collector at `/services/collector/event` on loopback.
    public func serve() async throws -> HTTPServerHandle {
        let router = Router()
        router.post("services/collector/event") { [self] request, _ in
            let body = try await request.body.collect(upTo: 100 << 20)
            let (status, text) = await handle(authorization: request.headers[.authorization], body: Array(body.readableBytesView))
            return Response(
                status: .init(code: status), headers: [.contentType: "application/json"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        }
        return try await HTTPServerHandle.start(router: router)
    }
}
