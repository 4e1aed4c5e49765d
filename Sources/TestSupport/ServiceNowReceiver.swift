import Foundation
import HTTPServing
import HTTPTypes
import Hummingbird
import NIOCore
import RelayModel

/// A strict ServiceNow Table API for tests: Basic auth with the known user (401 otherwise, in ServiceNow's error
/// shape), only the tables it has (404 "Invalid table"), a JSON object body (400), `GET` with a
/// `sysparm_query=correlation_id=…`, `POST` answering 201 with the record's `sys_id` and `number`, `PATCH` on
/// `/{table}/{sys_id}`; scriptable to answer 429 with `X-RateLimit-*` headers.
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

    public init(login: String, password: String, tables: Set<String> = ["incident", "sn_si_incident", "em_event"]) {
        self.login = login
        self.password = password
        self.tables = tables
    }

    /// Answer the next `count` requests with 429 and a reset one second ahead.
    public func rateLimit(_ count: Int) { limited.add(Array(repeating: (), count: count)) }

    static func error(_ message: String, _ detail: String) -> String {
        JSONValue.object(["error": .object(["message": .string(message), "detail": .string(detail)]), "status": .string("failure")])
            .jsonString()
    }

    func handle(method: String, table: String, sysID: String?, query: String?, authorization: String?, body: [UInt8]) -> (
        Int, [(String, String)], String
    ) {
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
            if let query, query.hasPrefix("correlation_id=") {
                let wanted = String(query.dropFirst("correlation_id=".count))
                rows = rows.filter { $0["correlation_id"]?.stringValue == wanted }
            }
            return (
                200, [],
                JSONValue.object(["result": .array(rows.prefix(1).map { .object(["sys_id": $0["sys_id"] ?? .null]) })]).jsonString()
            )
        case "POST", "PATCH":
            guard let record = (try? JSONValue.parse(body))?.objectValue else {
                return (400, [], Self.error("Exception while reading request", "The payload is not valid JSON."))
            }
            if method == "POST" {
                var created = record
                created["sys_id"] = .string(String(format: "%032x", next))
                created["number"] = .string(String(format: "INC%07d", next))
                next += 1
                records[table, default: []].append(created)
                writes.append("POST \(table)")
                return (201, [], JSONValue.object(["result": .object(created)]).jsonString())
            }
            guard let sysID, let index = records[table]?.firstIndex(where: { $0["sys_id"]?.stringValue == sysID }) else {
                return (404, [], Self.error("No Record found", "Record doesn't exist or ACL restricts the record retrieval"))
            }
            for member in record.members { records[table]![index][member.key] = member.value }
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
                        query: request.uri.queryParameters.get("sysparm_query"), authorization: request.headers[.authorization],
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
