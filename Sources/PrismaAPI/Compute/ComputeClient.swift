import Foundation
import Logging
import NIOHTTP1
import RelayHTTP
import RelayModel

/// A read-only client of a Prisma Cloud Compute console: authenticates for a token (falling back to Basic
/// credentials when the console offers no token) and lists runtime incidents page by page.
public actor ComputeClient: AuthenticatingClient {
    /// The console path and the credentials (access key ID and secret, or a Compute user).
    public struct Credentials: Sendable {
        public var consoleURL: String
        public var username: String
        public var password: Secret
        /// When set, authenticate exchanges this CSPM JWT instead of the password (SaaS consoles accept it).
        public var prismaToken: (@Sendable () async throws -> String)?
        public init(
            consoleURL: String, username: String, password: Secret, prismaToken: (@Sendable () async throws -> String)? = nil
        ) {
            self.consoleURL = consoleURL
            self.username = username
            self.password = password
            self.prismaToken = prismaToken
        }
    }

    /// One page of `GET /api/v1/audits/incidents`.
    public struct Page: Sendable {
        public var incidents: [JSONValue]
        /// The `Total-Count` header, when sent.
        public var totalCount: Int?
        public var byteCount: Int
    }

    /// The largest page the console returns.
    public static let pageLimit = 50

    let credentials: Credentials
    let environment: ClientEnvironment
    /// The whole `Authorization` header value: `Bearer <token>` or `Basic <credentials>`.
    var token: String?
    var random = SystemRandomNumberGenerator()
    var baseURL: String { credentials.consoleURL }

    public init(credentials: Credentials, environment: ClientEnvironment = ClientEnvironment()) {
        self.credentials = credentials
        self.environment = environment
    }

    var basicAuthorization: String {
        "Basic " + Data("\(credentials.username):\(credentials.password.reveal())".utf8).base64EncodedString()
    }

    /// `POST /api/v1/authenticate` for a token; consoles that refuse the call itself (400, 403, 405) are used with
    /// Basic credentials instead, which every route accepts.
    @discardableResult
    public func login() async throws -> String {
        let body: [UInt8]
        if let prismaToken = credentials.prismaToken {
            body = JSONValue.object(["token": .string(try await prismaToken())]).jsonBytes()
        } else {
            body = JSONValue.object([
                "username": .string(credentials.username), "password": .string(credentials.password.reveal()),
            ]).jsonBytes()
        }
        let consoleURL = credentials.consoleURL
        let basic = basicAuthorization
        let header: String = try await perform(path: "POST /api/v1/authenticate", authenticated: false) { answer in
            switch answer.status {
            case 200:
                guard answer.looksLikeJSON else {
                    throw PrismaClientError.notJSON(
                        path: "POST /api/v1/authenticate", status: 200, contentType: answer.header("Content-Type"))
                }
                guard let token = try Self.parse(answer, path: "POST /api/v1/authenticate")["token"]?.stringValue, !token.isEmpty else {
                    // An empty token is what a console path without its tenant id gives on some consoles.
                    throw PrismaClientError.tenantPathMissing(consoleURL: consoleURL)
                }
                return .done("Bearer " + token)
            case 401: throw PrismaClientError.computeLoginRejected(status: 401, consoleURL: consoleURL)
            case 404: throw PrismaClientError.tenantPathMissing(consoleURL: consoleURL)
            case 400, 403, 405: return .done(basic)
            default: return .unexpected(answer)
            }
        } send: { [http = environment.http] _ in
            try await http.send(.POST, consoleURL + "/api/v1/authenticate", body: body)
        }
        token = header
        return header
    }

    /// One page of incidents whose `time` is within `from...to` (epoch ms), oldest first.
    public func fetchIncidents(offset: Int, from: Int64, to: Int64, acknowledged: Bool) async throws -> Page {
        try await fetchList(
            path: "/api/v1/audits/incidents", offset: offset, from: from, to: to, extra: ["acknowledged=\(acknowledged)"],
            permission: "Monitor > Runtime incidents")
    }

    /// One page of a runtime audit stream of the window.
    public func fetchAudits(_ stream: ComputeAuditStream, offset: Int, from: Int64, to: Int64) async throws -> Page {
        try await fetchList(path: stream.path, offset: offset, from: from, to: to, extra: [], permission: stream.permission)
    }

    /// One page of a Compute list route over a window, oldest first, by offset. An empty list may come as `null`.
    func fetchList(path: String, offset: Int, from: Int64, to: Int64, extra: [String], permission: String) async throws -> Page {
        let query =
            [
                "offset=\(offset)", "limit=\(Self.pageLimit)", "sort=time", "reverse=false",
                "from=\(Timestamp.rfc3339(epochMilliseconds: from))", "to=\(Timestamp.rfc3339(epochMilliseconds: to))",
            ] + extra
        let url = credentials.consoleURL + path + "?" + query.joined(separator: "&")
        let label = "GET \(path)"
        return try await perform(path: label, authenticated: true) { answer in
            switch answer.status {
            case 200:
                return Self.readJSON(answer, path: label) { json in
                    guard let items = json == .null ? [] : json.arrayValue else {
                        throw PrismaClientError.malformedJSON(path: label, detail: "expected a JSON array")
                    }
                    return Page(
                        incidents: items, totalCount: answer.header("Total-Count").flatMap { Int($0) }, byteCount: answer.body.count)
                }
            case 403:
                throw PrismaClientError.rejected(path: label, status: 403, reason: "the role lacks the \(permission) permission")
            default:
                return .unexpected(answer)
            }
        } send: { [http = environment.http] header in
            try await http.send(.GET, url, headers: [("Authorization", header ?? "")])
        }
    }

    /// Archives an incident (`acknowledged: true`) or brings it back: `PATCH /api/v1/audits/incidents/acknowledge/{id}`.
    /// The console answers 200 with no body, and the same either way when the incident already was so.
    public func setAcknowledged(_ acknowledged: Bool, incident id: String) async throws -> ActionAnswer {
        let (path, body) = Self.acknowledgement(acknowledged, incident: id)
        let url = credentials.consoleURL + path
        let word = acknowledged ? "acknowledged" : "unacknowledged"
        return try await perform(path: "PATCH \(path)", authenticated: true) { answer in
            let reason = (try? JSONValue.parse(answer.body))?["err"]?.stringValue.map { ": \($0)" } ?? ""
            switch answer.status {
            case 200...299: return .done(ActionAnswer(.done, "the Compute console \(word) incident \(id)", statusCode: answer.status))
            case 403:
                return .done(
                    ActionAnswer(
                        .refused, "the Compute console refused: the role lacks the Monitor > Runtime incidents write permission (HTTP 403)",
                        statusCode: 403))
            case 400, 404:
                return .done(
                    ActionAnswer(.refused, "the Compute console refused (HTTP \(answer.status)\(reason))", statusCode: answer.status))
            default: return .unexpected(answer)
            }
        } send: { [http = environment.http] header in
            try await http.send(.PATCH, url, headers: [("Authorization", header ?? "")], body: body)
        }
    }

    /// The path (under the console path) and body of an acknowledgement; only `acknowledged` is read by the console.
    public static func acknowledgement(_ acknowledged: Bool, incident id: String) -> (path: String, body: [UInt8]) {
        (
            "/api/v1/audits/incidents/acknowledge/" + (id.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? id),
            JSONValue.object(["acknowledged": .bool(acknowledged)]).jsonBytes()
        )
    }

    /// Every incident of the window, page by page.
    public nonisolated func incidentPages(from: Int64, to: Int64, acknowledged: Bool) -> IncidentPages {
        IncidentPages(client: self, from: from, to: to) { client, offset in
            try await client.fetchIncidents(offset: offset, from: from, to: to, acknowledged: acknowledged)
        }
    }

    /// Every record of a runtime audit stream in the window, page by page.
    public nonisolated func auditPages(_ stream: ComputeAuditStream, from: Int64, to: Int64) -> IncidentPages {
        IncidentPages(client: self, from: from, to: to) { client, offset in
            try await client.fetchAudits(stream, offset: offset, from: from, to: to)
        }
    }
}
