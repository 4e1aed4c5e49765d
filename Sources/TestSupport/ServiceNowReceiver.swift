import Foundation
import HTTPServing
import HTTPTypes
import Hummingbird
import NIOCore
import RelayModel

/// A strict ServiceNow Table API for tests: Basic auth with the known user (401 otherwise, in ServiceNow's error
/// shape), only the tables it has (404 "Invalid table"), a JSON object body (400), `GET` with an encoded
/// `sysparm_query` of `field=value`, `fieldINa,b` and `ORDERBYDESCfield` terms joined by `^` (any other term is
/// refused), `sysparm_fields` and `sysparm_limit`, `POST` answering 201 with the record's `sys_id` and `number`,
/// `PATCH` on `/{table}/{sys_id}`, each write stamping `sys_updated_on`; scriptable to answer 429 with `X-RateLimit-*`
/// headers, and to close a record as an analyst would.
public actor ServiceNowReceiver {
    let login: String
    let password: String
    let tables: Set<String>
    /// Records by table, in creation order.
    public private(set) var records: [String: [JSONObject]] = [:]
    /// Every write, as `POST incident` or `PATCH incident/<sys_id>`.
    public private(set) var writes: [String] = []
    /// Scripted refusals before the real answers.
    private var limited = FailureScript<Void>()
    private var next = 1
    private var clock: Int64 = 0

    public init(login: String, password: String, tables: Set<String> = ["incident", "sn_si_incident", "em_event"]) {
        self.login = login
        self.password = password
        self.tables = tables
    }

    /// Closes the incident opened with `correlationID` as an analyst would: state 7, a close code and notes.
    public func close(correlationID: String, code: String, notes: String) {
        guard let index = records["incident"]?.firstIndex(where: { $0["correlation_id"]?.stringValue == correlationID }) else { return }
        records["incident"]![index]["state"] = .string("7")
        records["incident"]![index]["close_code"] = .string(code)
        records["incident"]![index]["close_notes"] = .string(notes)
        records["incident"]![index]["sys_updated_on"] = .string(stamp())
    }

    /// ServiceNow's `sys_updated_on`: `yyyy-MM-dd HH:mm:ss`, here one second further for every write.
    func stamp() -> String {
        clock += 1
        let time = Timestamp.rfc3339(epochMilliseconds: 1_780_000_000_000 + clock * 1000)
        return String(time.prefix(10)) + " " + String(time.dropFirst(11).prefix(8))
    }

    /// Answer the next `count` requests with 429 and a reset one second ahead.
    public func rateLimit(_ count: Int) { limited.add(Array(repeating: (), count: count)) }

    static func error(_ message: String, _ detail: String) -> String {
        JSONValue.object(["error": .object(["message": .string(message), "detail": .string(detail)]), "status": .string("failure")])
            .jsonString()
    }

    func handle(
        method: String, table: String, sysID: String?, query: String?, fields: String? = nil, limit: String? = nil,
        authorization: String?, body: [UInt8]
    ) -> (Int, [(String, String)], String) {
        let expected = "Basic " + Data("\(login):\(password)".utf8).base64EncodedString()
        guard authorization == expected else {
            return (401, [], Self.error("User Not Authenticated", "Required to provide Auth information"))
        }
        if limited.next() != nil {
            let reset = String(Int(Date().timeIntervalSince1970) + 1)
            return (
                429, [("X-RateLimit-Limit", "100"), ("X-RateLimit-Reset", reset), ("X-RateLimit-Rule", "relay-tests")],
                Self.error("Too many requests", "Rate limit exceeded")
            )
        }
        guard tables.contains(table) else { return (404, [], Self.error("Invalid table \(table)", "")) }
        switch method {
        case "GET":
            var rows = records[table] ?? []
            for term in (query ?? "").split(separator: "^").map(String.init) {
                if term.hasPrefix("ORDERBYDESC") {
                    let field = String(term.dropFirst("ORDERBYDESC".count))
                    rows.sort { ($0[field]?.stringValue ?? "") > ($1[field]?.stringValue ?? "") }
                } else if let range = term.range(of: "IN"), !term.contains("=") {
                    let field = String(term[..<range.lowerBound])
                    let values = Set(term[range.upperBound...].split(separator: ",").map(String.init))
                    rows = rows.filter { values.contains($0[field]?.stringValue ?? "") }
                } else if let equals = term.firstIndex(of: "=") {
                    let (field, value) = (String(term[..<equals]), String(term[term.index(after: equals)...]))
                    rows = rows.filter { $0[field]?.stringValue == value }
                } else {
                    return (400, [], Self.error("Invalid query", "this receiver does not read the term \(term)"))
                }
            }
            let names = (fields ?? "sys_id").split(separator: ",").map(String.init)
            let shown = rows.prefix(Int(limit ?? "") ?? 10_000).map { row in
                JSONValue.object(JSONObject(names.map { JSONObject.Member(key: $0, value: row[$0] ?? .string("")) }))
            }
            return (200, [], JSONValue.object(["result": .array(Array(shown))]).jsonString())
        case "POST", "PATCH":
            guard let record = (try? JSONValue.parse(body))?.objectValue else {
                return (400, [], Self.error("Exception while reading request", "The payload is not valid JSON."))
            }
            if method == "POST" {
                var created = record
                created["sys_id"] = .string(String(format: "%032x", next))
                created["number"] = .string(String(format: "INC%07d", next))
                created["sys_updated_on"] = .string(stamp())
                next += 1
                records[table, default: []].append(created)
                writes.append("POST \(table)")
                return (201, [], JSONValue.object(["result": .object(created)]).jsonString())
            }
            guard let sysID, let index = records[table]?.firstIndex(where: { $0["sys_id"]?.stringValue == sysID }) else {
                return (404, [], Self.error("No Record found", "Record doesn't exist or ACL restricts the record retrieval"))
            }
            for member in record.members { records[table]![index][member.key] = member.value }
            records[table]![index]["sys_updated_on"] = .string(stamp())
            writes.append("PATCH \(table)/\(sysID)")
            return (200, [], JSONValue.object(["result": .object(records[table]![index])]).jsonString())
        default:
            return (405, [], Self.error("Method not Supported", method))
        }
    }

    /// Serves `/api/now/table/{table}[/{sys_id}]` on loopback.
    public func serve() async throws -> HTTPServerHandle {
        let router = Router()
        for path in ["api/now/table/:table", "api/now/table/:table/:sysid"] {
            for method in [HTTPRequest.Method.get, .post, .patch] {
                router.on(RouterPath(path), method: method) { [self] request, context in
                    let body = try await request.body.collect(upTo: 10 << 20)
                    let (status, extra, text) = await handle(
                        method: method.rawValue, table: context.parameters.get("table") ?? "", sysID: context.parameters.get("sysid"),
                        query: request.uri.queryParameters.get("sysparm_query"),
                        fields: request.uri.queryParameters.get("sysparm_fields"),
                        limit: request.uri.queryParameters.get("sysparm_limit"), authorization: request.headers[.authorization],
                        body: Array(body.readableBytesView))
                    var headers: HTTPFields = [.contentType: "application/json"]
                    for (name, value) in extra { headers[HTTPField.Name(name)!] = value }
                    return Response(status: .init(code: status), headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
                }
            }
        }
        return try await HTTPServerHandle.start(router: router)
    }
}
