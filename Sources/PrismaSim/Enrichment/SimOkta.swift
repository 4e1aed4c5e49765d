import Foundation
import HTTPServing
import HTTPTypes
import Hummingbird
import NIOCore
import RelayModel

/// The simulated organisation's Okta, strict to the Users API's contract: `Authorization: SSWS <token>` only (a Bearer token or another token answers
/// 401 `E0000011`), users by id or login (404 `E0000007`), their factors, roles and groups (paged by `limit` and
/// `after`, with `Link: <…>; rel="next"`), and `X-Rate-Limit-Limit/-Remaining/-Reset` on every answer; past its
/// budget it answers 429 `E0000047`. Scriptable to be down (503) and to answer statuses first.
public actor SimOkta {
    public struct User: Sendable {
        public var id: String
        public var login: String
        public var status: String
        public var lastLogin: String?
        /// `factorType` and `status` of each factor.
        public var factors: [(type: String, status: String)]
        /// Admin role types (`SUPER_ADMIN`, `READ_ONLY_ADMIN`, …).
        public var roles: [String]
        public var groups: [String]

        public init(
            id: String, login: String, status: String = "ACTIVE", lastLogin: String? = "2026-11-30T08:00:00.000Z",
            factors: [(type: String, status: String)] = [], roles: [String] = [], groups: [String] = []
        ) {
            self.id = id
            self.login = login
            self.status = status
            self.lastLogin = lastLogin
            self.factors = factors
            self.roles = roles
            self.groups = groups
        }
    }

    let token: String
    var users: [User]
    /// Groups per page when the client asks for more.
    let pageSize: Int
    /// Requests answered per rate-limit window before 429.
    var budget: Int
    var base = ""
    public private(set) var requests: [String] = []
    private var script: [Int] = []
    public private(set) var down = false

    public init(token: String, users: [User], pageSize: Int = 5, budget: Int = .max) {
        self.token = token
        self.users = users
        self.pageSize = pageSize
        self.budget = budget
    }

    /// Answer 503 to everything until `setDown(false)`.
    public func setDown(_ value: Bool) { down = value }
    /// Answer these statuses first.
    public func fail(with statuses: [Int]) { script += statuses }
    /// Allow `count` more requests before 429.
    public func setBudget(_ count: Int) { budget = count }
    /// Changes the status of the user with this login (an administrator suspending someone).
    public func setStatus(_ status: String, of login: String) {
        for index in users.indices where users[index].login == login { users[index].status = status }
    }

    static func error(_ code: String, _ summary: String) -> String {
        JSONValue.object([
            "errorCode": .string(code), "errorSummary": .string(summary), "errorLink": .string(code), "errorId": .string("oae-relay-tests"),
            "errorCauses": .array([]),
        ]).jsonString()
    }

    func handle(path: String, query: [String: String], authorization: String?) -> (Int, [(String, String)], String) {
        let reset = String(Int(Date().timeIntervalSince1970) + 1)
        var headers = [("X-Rate-Limit-Limit", "600"), ("X-Rate-Limit-Reset", reset)]
        guard authorization == "SSWS \(token)" else { return (401, headers, Self.error("E0000011", "Invalid token provided")) }
        if down { return (503, headers, Self.error("E0000009", "Internal Server Error")) }
        if !script.isEmpty {
            return (script.removeFirst(), headers, Self.error("E0000009", "Internal Server Error"))
        }
        guard budget > 0 else {
            headers.append(("X-Rate-Limit-Remaining", "0"))
            return (429, headers, Self.error("E0000047", "API call exceeded rate limit due to too many requests."))
        }
        budget -= 1
        headers.append(("X-Rate-Limit-Remaining", budget > 599 ? "599" : String(budget)))
        requests.append(path)
        let parts = path.split(separator: "/").map { String($0).removingPercentEncoding ?? String($0) }
        // parts: api, v1, users[, id[, sub]]
        guard parts.count >= 3, parts[0] == "api", parts[1] == "v1", parts[2] == "users" else {
            return (404, headers, Self.error("E0000022", "The endpoint does not support the provided HTTP method"))
        }
        if parts.count == 3 {
            let limit = Int(query["limit"] ?? "200") ?? 200
            return (200, headers, JSONValue.array(users.prefix(limit).map(Self.json)).jsonString())
        }
        guard let user = users.first(where: { $0.id == parts[3] || $0.login.lowercased() == parts[3].lowercased() }) else {
            return (404, headers, Self.error("E0000007", "Not found: Resource not found: \(parts[3]) (User)"))
        }
        switch parts.count == 5 ? parts[4] : "" {
        case "":
            return (200, headers, Self.json(user).jsonString())
        case "factors":
            let factors = user.factors.enumerated().map { index, factor in
                JSONValue.object([
                    "id": .string("fac\(index)"), "factorType": .string(factor.type), "provider": .string("OKTA"),
                    "status": .string(factor.status),
                ])
            }
            return (200, headers, JSONValue.array(factors).jsonString())
        case "roles":
            let roles = user.roles.map { JSONValue.object(["id": .string("ra-\($0)"), "type": .string($0), "status": .string("ACTIVE")]) }
            return (200, headers, JSONValue.array(roles).jsonString())
        case "groups":
            let limit = min(Int(query["limit"] ?? "200") ?? 200, pageSize)
            let after = Int(query["after"] ?? "0") ?? 0
            let page = user.groups.dropFirst(after).prefix(limit)
            let groups = page.enumerated().map { index, name in
                JSONValue.object(["id": .string("00g\(after + index)"), "profile": .object(["name": .string(name)])])
            }
            if after + page.count < user.groups.count {
                headers.append(
                    ("Link", "<\(base)/api/v1/users/\(user.id)/groups?limit=\(limit)&after=\(after + page.count)>; rel=\"next\""))
            }
            return (200, headers, JSONValue.array(groups).jsonString())
        default:
            return (404, headers, Self.error("E0000022", "The endpoint does not support the provided HTTP method"))
        }
    }

    static func json(_ user: User) -> JSONValue {
        .object([
            "id": .string(user.id), "status": .string(user.status), "lastLogin": .optional(user.lastLogin),
            "profile": .object(["login": .string(user.login), "email": .string(user.login)]),
        ])
    }

    /// The organisation's people (`SimDirectory`), as the simulated tenant's alerts name them.
    public static func knowingSimulatedTenant(token: String) -> SimOkta {
        SimOkta(
            token: token,
            users: SimDirectory.people.enumerated().map { index, person in
                User(
                    id: "00u\(index)", login: person.login, factors: person.factors.map { ($0, "ACTIVE") }, roles: person.adminRoles,
                    groups: person.groups)
            })
    }

    /// Serves `/api/v1/users…` on loopback.
    public func serve() async throws -> HTTPServerHandle {
        let router = Router()
        for path in ["api/v1/users", "api/v1/users/:id", "api/v1/users/:id/:sub"] {
            router.get(RouterPath(path)) { [self] request, _ in
                var query: [String: String] = [:]
                for (key, value) in request.uri.queryParameters { query[String(key)] = String(value) }
                let (status, extra, text) = await handle(
                    path: request.uri.path, query: query, authorization: request.headers[.authorization])
                var headers: HTTPFields = [.contentType: "application/json"]
                for (name, value) in extra { headers[HTTPField.Name(name)!] = value }
                return Response(status: .init(code: status), headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
            }
        }
        let server = try await HTTPServerHandle.start(router: router)
        base = server.url
        return server
    }
}
