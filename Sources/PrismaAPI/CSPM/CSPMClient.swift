import AsyncHTTPClient
import Logging
import NIOHTTP1
import RelayHTTP
import RelayModel

/// A client of one Prisma Cloud CSPM tenant: logs in with an access key, keeps the JWT, and fetches alert pages,
/// logging in again when the token expires and backing off on 429 and 5xx under the shared `RetryPolicy`.
public actor CSPMClient: AuthenticatingClient {
    /// What the client logs in with.
    public struct Credentials: Sendable {
        public var apiURL: String
        public var accessKeyID: String
        public var secretKey: Secret
        public init(apiURL: String, accessKeyID: String, secretKey: Secret) {
            self.apiURL = apiURL
            self.accessKeyID = accessKeyID
            self.secretKey = secretKey
        }
    }

    let credentials: Credentials
    let environment: ClientEnvironment
    var token: String?
    var random = SystemRandomNumberGenerator()
    var baseURL: String { credentials.apiURL }
    /// How many times this client has logged in (fresh logins, not retries of one).
    public private(set) var logins = 0

    public init(credentials: Credentials, environment: ClientEnvironment = ClientEnvironment()) {
        self.credentials = credentials
        self.environment = environment
    }

    /// Exchanges the access key for a fresh JWT (`POST /login`) and keeps it for the calls that follow.
    @discardableResult
    public func login() async throws -> String {
        let body = JSONValue.object([
            "username": .string(credentials.accessKeyID), "password": .string(credentials.secretKey.reveal()),
        ]).jsonBytes()
        let apiURL = credentials.apiURL
        let fresh: String = try await perform(path: "/login", authenticated: false) { answer in
            switch answer.status {
            case 200:
                guard answer.looksLikeJSON else {
                    throw PrismaClientError.notJSON(path: "POST /login", status: 200, contentType: answer.header("Content-Type"))
                }
                let json = try Self.parse(answer, path: "POST /login")
                if let token = json["token"]?.stringValue, !token.isEmpty { return .done(token) }
                if json["message"]?.stringValue == "login_needs_customer_name" {
                    let names = json["customerNames"]?.arrayValue?.compactMap { $0["customerName"]?.stringValue } ?? []
                    throw PrismaClientError.loginNeedsCustomerName(tenants: names)
                }
                throw PrismaClientError.malformedJSON(path: "POST /login", detail: "no token in the answer")
            case 400, 401, 403:
                throw PrismaClientError.loginRejected(status: answer.status, reason: answer.redlockReason, apiURL: apiURL)
            default:
                return .unexpected(answer)
            }
        } send: { [http = environment.http] _ in
            try await http.send(.POST, apiURL + "/login", body: body)
        }
        token = fresh
        logins += 1
        environment.logger.debug("prisma login succeeded", metadata: ["api_url": .string(apiURL)])
        return fresh
    }

    /// Fetches one page of alerts from `path` (`/v2/alert` or `/alert/v1/alert`).
    public func fetchAlertPage(_ query: AlertQuery, path: String) async throws -> AlertPage {
        let budget = RateBudget.alertList(apiURL: credentials.apiURL, accessKeyID: credentials.accessKeyID)
        return try await post(path, body: query.jsonValue.jsonBytes(), budget: budget, lazily: AlertPage.lazyAlerts) { json, bytes in
            var page = try AlertPage(json: json)
            page.byteCount = bytes
            return page
        }
    }

    /// Fetches one page of the tenant's audit log for `window` (epoch ms). Prisma answers 403 unless the key's role
    /// may view audit logs (System Admin, or a permission group granting it).
    public func fetchAuditLogPage(window: ClosedRange<Int64>, token: String?) async throws -> AuditLogPage {
        try await post("/audit/api/v1/log", body: AuditLogPage.request(window: window, token: token).jsonBytes()) { json, bytes in
            try AuditLogPage(json: json, byteCount: bytes)
        }
    }

    /// POSTs `body` to `path` with the session's token and reads a 200's JSON (and its size) with `read`; a 403 is the
    /// role's refusal, anything else the retry loop's to judge.
    func post<T: Sendable>(
        _ path: String, body: [UInt8], budget: RateBudget? = nil, lazily level: JSONLazyLevel? = nil,
        read: @escaping (JSONValue, Int) throws -> T
    ) async throws -> T {
        let url = credentials.apiURL + path
        let label = "POST \(path)"
        return try await perform(path: label, authenticated: true, budget: budget) { answer in
            switch answer.status {
            case 200: return Self.readJSON(answer, path: label, lazily: level) { json in try read(json, answer.body.count) }
            case 403: throw PrismaClientError.forbidden(path: label)
            default: return .unexpected(answer)
            }
        } send: { [http = environment.http] token in
            try await http.send(.POST, url, headers: [("x-redlock-auth", token ?? "")], body: body)
        }
    }

    /// Sends a change of alerts' status (dismiss, snooze, reopen) and reads Prisma's answer in words; 429 and 5xx are
    /// retried as every call's are.
    public func changeStatus(_ change: AlertStatusChange) async throws -> ActionAnswer {
        let url = credentials.apiURL + change.path
        let body = change.body.jsonBytes()
        return try await perform(path: "POST \(change.path)", authenticated: true) { answer in
            guard let read = change.answer(status: answer.status, reason: answer.redlockReason) else { return .unexpected(answer) }
            return .done(read)
        } send: { [http = environment.http] token in
            try await http.send(.POST, url, headers: [("x-redlock-auth", token ?? "")], body: body)
        }
    }

    /// Every page of the tenant's audit log for `window`.
    public nonisolated func auditLogPages(window: ClosedRange<Int64>) -> AuditLogPages {
        AuditLogPages(client: self, window: window)
    }

    /// The tenant's Compute console path, from `GET /meta_info` (`twistlockUrl`).
    public func computeConsoleURL() async throws -> String {
        let url = credentials.apiURL + "/meta_info"
        return try await perform(path: "GET /meta_info", authenticated: true) { answer in
            guard answer.status == 200 else { return .unexpected(answer) }
            guard let console = try Self.parse(answer, path: "GET /meta_info")["twistlockUrl"]?.stringValue, !console.isEmpty else {
                throw PrismaClientError.malformedJSON(
                    path: "GET /meta_info", detail: "no twistlockUrl: give the Compute console path in computeURL")
            }
            return .done(console)
        } send: { [http = environment.http] token in
            try await http.send(.GET, url, headers: [("x-redlock-auth", token ?? "")])
        }
    }

    /// The current JWT, logging in when there is none.
    public func currentToken() async throws -> String {
        if let token { return token }
        return try await login()
    }

    /// Every page of `query`, following `nextPageToken` to the end.
    public nonisolated func alertPages(_ query: AlertQuery, path: String) -> AlertPages {
        AlertPages(client: self, query: query, path: path)
    }

}
