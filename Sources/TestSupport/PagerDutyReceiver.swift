import HTTPServing
import HTTPTypes
import Hummingbird
import NIOCore
import RelayModel

/// A strict PagerDuty Events API v2 endpoint for tests: validates the event as the documented schema says
/// (routing key, action, dedup key, trigger payload), answers 202 or the documented 400 shape, and keeps incidents
/// by dedup key as PagerDuty would — so tests can count incidents. Scriptable to answer 429 or 503.
public actor PagerDutyReceiver {
    /// An incident as PagerDuty would hold it.
    public struct Incident: Sendable, Equatable {
        public var status: String
        public var triggers: Int
        public var summary: String
        public var severity: String
        public init(status: String, triggers: Int, summary: String, severity: String) {
            self.status = status
            self.triggers = triggers
            self.summary = summary
            self.severity = severity
        }
    }

    let routingKey: String
    public private(set) var incidents: [String: Incident] = [:]
    /// Incidents opened per dedup key: a trigger opens one unless the key's incident is open (a trigger after a
    /// resolve opens a second).
    public private(set) var opened: [String: Int] = [:]
    /// Accepted events in order: `action dedup_key`.
    public private(set) var log: [String] = []
    public private(set) var requests = 0
    private var script = FailureScript<Int>()

    public init(routingKey: String) { self.routingKey = routingKey }

    /// Answer these statuses (429, 503, …) before accepting again.
    public func fail(with statuses: [Int]) { script.add(statuses) }

    func invalid(_ errors: [String]) -> (Int, String) {
        (
            400,
            JSONValue.object([
                "status": .string("invalid event"), "message": .string("Event object is invalid"),
                "errors": .array(errors.map(JSONValue.string)),
            ]).jsonString()
        )
    }

    func handle(contentType: String?, body: [UInt8]) -> (Int, String) {
        requests += 1
        if let status = script.next() {
            return (status, #"{"status":"throttle event","message":"Requests for this service are arriving too quickly."}"#)
        }
        guard body.count <= 512 * 1024 else { return (413, #"{"status":"invalid event","message":"Payload too large"}"#) }
        guard contentType?.hasPrefix("application/json") == true, let event = try? JSONValue.parse(body), event.objectValue != nil else {
            return invalid(["Event object is not valid JSON"])
        }
        guard event["routing_key"]?.stringValue == routingKey else { return invalid(["Invalid routing key"]) }
        guard let action = event["event_action"]?.stringValue, ["trigger", "acknowledge", "resolve"].contains(action) else {
            return invalid(["'event_action' is invalid"])
        }
        let dedup = event["dedup_key"]?.stringValue ?? ""
        guard dedup.count <= 255 else { return invalid(["'dedup_key' is longer than 255 characters"]) }
        if action == "trigger" {
            guard let payload = event["payload"], let summary = payload["summary"]?.stringValue, !summary.isEmpty, summary.count <= 1024,
                payload["source"]?.stringValue?.isEmpty == false,
                let severity = payload["severity"]?.stringValue, ["critical", "error", "warning", "info"].contains(severity)
            else { return invalid(["'payload' needs summary (1-1024 characters), source and severity"]) }
            if var incident = incidents[dedup], incident.status != "resolved" {
                incident.triggers += 1
                incidents[dedup] = incident
            } else {
                incidents[dedup] = Incident(status: "triggered", triggers: 1, summary: summary, severity: severity)
                opened[dedup, default: 0] += 1
            }
        } else {
            guard !dedup.isEmpty else { return invalid(["'dedup_key' is required for \(action)"]) }
            incidents[dedup]?.status = action == "resolve" ? "resolved" : "acknowledged"
        }
        log.append("\(action) \(dedup)")
        return (
            202,
            JSONValue.object(["status": .string("success"), "message": .string("Event processed"), "dedup_key": .string(dedup)])
                .jsonString()
        )
    }

    /// Serves `/v2/enqueue` on loopback.
    public func serve() async throws -> HTTPServerHandle {
        let router = Router()
        router.post("v2/enqueue") { [self] request, _ in
            let body = try await request.body.collect(upTo: 2 << 20)
            let (status, text) = await handle(contentType: request.headers[.contentType], body: Array(body.readableBytesView))
            return Response(
                status: .init(code: status), headers: [.contentType: "application/json"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        }
        return try await HTTPServerHandle.start(router: router)
    }
}
