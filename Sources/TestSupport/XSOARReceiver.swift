import Foundation
import HTTPServing
import HTTPTypes
import Hummingbird
import NIOCore
import RelayModel

/// A strict Cortex XSOAR for tests, of generation 6 (paths at the root, `Authorization: <key>`) or 8 (paths under
/// `/xsoar/public/v1`, `Authorization` plus `x-xdr-auth-id`); the other generation's paths answer 404. It keeps
/// incidents as XSOAR does: `POST /incident` creates (name required, severity one of XSOAR's, labels `{type, value}`,
/// `rawJSON` a string) or, given `id`, updates at the incident's current `version` (a stale one is refused, and
/// `status: 1` reopens a closed incident); `POST /incident/close` closes at the current version; `POST
/// /incidents/search` answers `{"total", "data"}` for `dbotmirrorid:"…"`, `id:…` and `type:"…" and status:closed`
/// queries. Errors come in
/// XSOAR's shape (8's gateway answers 401 in its `reply` shape). Scriptable: statuses to answer first, a create that
/// is kept but answered too late, and new incidents a search does not see yet.
public actor XSOARReceiver {
    let generation: Int
    let apiKey: String
    let apiKeyID: String
    /// Incidents in creation order.
    public private(set) var incidents: [JSONObject] = []
    /// Every accepted call: `create 1`, `update 1`, `reopen 1`, `close 1`, `search`.
    public private(set) var log: [String] = []
    private var script = FailureScript<Int>()
    private var slowCreates = 0
    private var hiddenFor: [String: Int] = [:]
    private var hideNext = 0

    public init(generation: Int, apiKey: String, apiKeyID: String = "") {
        self.generation = generation
        self.apiKey = apiKey
        self.apiKeyID = apiKeyID
    }

    /// Closes the incident of the alert `key` as an analyst would: status 2 (closed), a reason and notes.
    public func closeAsAnalyst(key: String, reason: String, notes: String) {
        guard let index = incidents.firstIndex(where: { $0["CustomFields"]?["dbotmirrorid"]?.stringValue == key }) else { return }
        incidents[index]["status"] = .int(2)
        incidents[index]["closeReason"] = .string(reason)
        incidents[index]["closeNotes"] = .string(notes)
        incidents[index]["version"] = .int((incidents[index]["version"]?.int64Value ?? 0) + 1)
    }

    /// Answer these statuses (429, 503, …) before answering as XSOAR would.
    public func fail(with statuses: [Int]) { script.add(statuses) }

    /// Keep the next `count` creates, but answer each after `delay`.
    public func answerCreatesLate(_ count: Int, after delay: Duration) {
        slowCreates += count
        self.delay = delay
    }
    private var delay: Duration = .zero

    /// An analyst edits the incident the next update names just before it arrives, so its version is stale.
    public func editBeforeNextUpdate() { editNext = true }
    private var editNext = false

    /// New incidents stay out of the next `searches` searches, as a lagging index would keep them.
    public func lagIndex(searches: Int) { hideNext = searches }

    /// The incident with `id`.
    public func incident(_ id: String) -> JSONObject? { incidents.first { $0["id"]?.stringValue == id } }

    static func error(_ status: Int, _ id: String, _ title: String, _ detail: String) -> (Int, String) {
        (
            status,
            JSONValue.object([
                "id": .string(id), "status": .int(status), "title": .string(title), "detail": .string(detail), "error": .string(detail),
                "encrypted": .bool(false), "multires": .null,
            ]).jsonString()
        )
    }

    func handle(path: String, headers: HTTPFields, body: [UInt8]) async -> (Int, String) {
        let authorized =
            headers[.authorization] == apiKey && (generation == 6 || headers[HTTPField.Name("x-xdr-auth-id")!] == apiKeyID)
        guard authorized else {
            if generation == 8 {
                return (401, #"{"reply":{"err_code":401,"err_msg":"Public API request unauthorized","err_extra":""}}"#)
            }
            return Self.error(401, "unauthorized", "Unauthorized", "Issue with the API key")
        }
        if let status = script.next() {
            return Self.error(status, "server_error", "Server error", "scripted failure \(status)")
        }
        guard headers[.contentType]?.hasPrefix("application/json") == true, let value = try? JSONValue.parse(body),
            let request = value.objectValue
        else { return Self.error(400, "bad_request", "Bad request", "Request body is not well-formed. It must be JSON.") }
        switch path {
        case "incidents/search": return search(request)
        case "incident/close": return close(request)
        default:
            guard request["id"] != nil else { return await create(request) }
            return update(request)
        }
    }

    func create(_ request: JSONObject) async -> (Int, String) {
        if let problem = Self.invalid(request) { return Self.error(400, "bad_request", "Bad request", problem) }
        var incident = request
        incident["createInvestigation"] = nil
        let id = String(incidents.count + 1)
        incident["id"] = .string(id)
        incident["version"] = .int(1)
        incident["status"] = .int(request["createInvestigation"]?.boolValue == true ? 1 : 0)
        incident["created"] = .int(incidents.count + 1)
        incidents.append(incident)
        if hideNext > 0 { hiddenFor[id] = hideNext }
        log.append("create \(id)")
        if slowCreates > 0 {
            slowCreates -= 1
            try? await Task.sleep(for: delay)
        }
        return (200, JSONValue.object(incident).jsonString())
    }

    /// Why XSOAR would refuse the fields of a create or update, or nil.
    static func invalid(_ request: JSONObject) -> String? {
        guard request["name"]?.stringValue?.isEmpty == false else { return "incident name is required" }
        if let severity = request["severity"], !["0", "0.5", "1", "2", "3", "4"].contains(severity.numberText ?? "") {
            return "severity must be 0, 0.5, 1, 2, 3 or 4"
        }
        if let raw = request["rawJSON"], raw.stringValue == nil { return "rawJSON must be a string" }
        if let labels = request["labels"],
            !(labels.arrayValue ?? [.null]).allSatisfy({ $0["type"]?.stringValue != nil && $0["value"]?.stringValue != nil })
        {
            return "labels must be a list of {type, value}"
        }
        if let occurred = request["occurred"]?.stringValue, Timestamp.epochMilliseconds(rfc3339: occurred) == nil {
            return "occurred is not an RFC 3339 time"
        }
        return nil
    }

    /// The index of the incident a write names, or XSOAR's refusal.
    func current(_ request: JSONObject) -> Result<Int, Refusal> {
        guard let id = request["id"]?.stringValue, let index = incidents.firstIndex(where: { $0["id"]?.stringValue == id }) else {
            return .failure(Refusal(answer: Self.error(400, "bad_request", "Bad request", "Could not find incident")))
        }
        guard request["version"]?.int64Value == incidents[index]["version"]?.int64Value else {
            return .failure(
                Refusal(
                    answer: Self.error(
                        400, "bad_request", "Bad request", "DB version mismatch: the incident was modified since it was read")))
        }
        return .success(index)
    }

    struct Refusal: Error { var answer: (Int, String) }

    func update(_ request: JSONObject) -> (Int, String) {
        if editNext, let index = incidents.firstIndex(where: { $0["id"] == request["id"] }) {
            editNext = false
            incidents[index]["version"] = .int((incidents[index]["version"]?.int64Value ?? 0) + 1)
            log.append("edited \(incidents[index]["id"]?.stringValue ?? "")")
        }
        let index: Int
        switch current(request) {
        case .failure(let refusal): return refusal.answer
        case .success(let found): index = found
        }
        if let problem = Self.invalid(request) { return Self.error(400, "bad_request", "Bad request", problem) }
        let reopening = incidents[index]["status"]?.int64Value == 2 && request["status"]?.int64Value == 1
        for member in request where member.key != "version" { incidents[index][member.key] = member.value }
        incidents[index]["version"] = .int((incidents[index]["version"]?.int64Value ?? 0) + 1)
        log.append("\(reopening ? "reopen" : "update") \(incidents[index]["id"]?.stringValue ?? "")")
        return (200, JSONValue.object(incidents[index]).jsonString())
    }

    func close(_ request: JSONObject) -> (Int, String) {
        let index: Int
        switch current(request) {
        case .failure(let refusal): return refusal.answer
        case .success(let found): index = found
        }
        guard request["closeReason"]?.stringValue?.isEmpty == false else {
            return Self.error(400, "bad_request", "Bad request", "closeReason is required")
        }
        incidents[index]["status"] = .int(2)
        incidents[index]["closeReason"] = request["closeReason"]
        incidents[index]["closeNotes"] = request["closeNotes"] ?? .string("")
        incidents[index]["version"] = .int((incidents[index]["version"]?.int64Value ?? 0) + 1)
        log.append("close \(incidents[index]["id"]?.stringValue ?? "")")
        return (200, JSONValue.object(incidents[index]).jsonString())
    }

    func search(_ request: JSONObject) -> (Int, String) {
        guard let filter = request["filter"]?.objectValue, let query = filter["query"]?.stringValue else {
            return Self.error(400, "bad_request", "Bad request", "filter.query is required")
        }
        let matches: (JSONObject) -> Bool
        if let mirror = query.wholeMatch(of: /dbotmirrorid:"((?:[^"\\]|\\.)*)"/) {
            let wanted = String(mirror.1).replacingOccurrences(of: "\\\"", with: "\"").replacingOccurrences(of: "\\\\", with: "\\")
            matches = { $0["CustomFields"]?["dbotmirrorid"]?.stringValue == wanted }
        } else if let id = query.wholeMatch(of: /id:(\d+)/) {
            matches = { $0["id"]?.stringValue == String(id.1) }
        } else if let closed = query.wholeMatch(of: /type:"([^"]*)" and status:closed/) {
            matches = { $0["type"]?.stringValue == String(closed.1) && $0["status"]?.int64Value == 2 }
        } else {
            return Self.error(400, "bad_request", "Bad request", "unsupported query: \(query)")
        }
        let visible = incidents.filter { incident in
            guard let id = incident["id"]?.stringValue, let left = hiddenFor[id] else { return true }
            hiddenFor[id] = left > 1 ? left - 1 : nil
            return false
        }
        let size = Int(filter["size"]?.int64Value ?? 50)
        let found = visible.filter(matches)
        log.append("search")
        return (
            200,
            JSONValue.object([
                "total": .int(found.count), "data": found.isEmpty ? .null : .array(found.prefix(size).map(JSONValue.object)),
            ]).jsonString()
        )
    }

    /// Serves the API of its generation on loopback.
    public func serve() async throws -> HTTPServerHandle {
        let router = Router()
        let prefix = generation == 8 ? "xsoar/public/v1/" : ""
        for path in ["incident", "incident/close", "incidents/search"] {
            router.post(RouterPath(prefix + path)) { [self] request, _ in
                let body = try await request.body.collect(upTo: 10 << 20)
                let (status, text) = await handle(path: path, headers: request.headers, body: Array(body.readableBytesView))
                return Response(
                    status: .init(code: status), headers: [.contentType: "application/json"],
                    body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
            }
        }
        return try await HTTPServerHandle.start(router: router)
    }
}

extension JSONValue {
    /// A number's literal text.
    fileprivate var numberText: String? {
        if case .number(let text) = self { return text }
        return nil
    }
}
