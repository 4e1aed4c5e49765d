import Crypto
import Foundation
import RelayModel

/// A faithful, deterministic stand-in for a Prisma Cloud CSPM tenant: `/login`, `/auth_token/extend` and the
/// alert list endpoints, with per-user rate limits and switchable faults (reference §1–4, §7).
public actor PrismaSimulator {
    /// How the simulated tenant behaves.
    public struct Configuration: Sendable {
        /// Seed for credentials and alerts.
        public var seed: UInt64
        /// JWT lifetime (Prisma: ten minutes).
        public var tokenLifetimeSeconds: Int
        /// Alert endpoint rate limit per user: requests per second and burst; nil turns it off.
        public var rateLimitPerSecond: Double?
        public var rateLimitBurst: Int
        /// The simulator's clock, epoch milliseconds.
        public var clock: @Sendable () -> Int64
        /// The Compute console's tenant path (SaaS form `/us-1-…`); nil serves a self-hosted console at the root.
        public var computeTenant: String?
        /// Whether the console issues tokens; when false, authenticate answers 405 and only Basic credentials work.
        public var computeIssuesTokens: Bool

        public init(
            seed: UInt64 = 1, tokenLifetimeSeconds: Int = 600, rateLimitPerSecond: Double? = 2, rateLimitBurst: Int = 10,
            clock: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) },
            computeTenant: String? = "us-1-111111111", computeIssuesTokens: Bool = true
        ) {
            self.computeTenant = computeTenant
            self.computeIssuesTokens = computeIssuesTokens
            self.seed = seed
            self.tokenLifetimeSeconds = tokenLifetimeSeconds
            self.rateLimitPerSecond = rateLimitPerSecond
            self.rateLimitBurst = rateLimitBurst
            self.clock = clock
        }
    }

    enum Authentication {
        case valid(SimJWT.Claims)
        case denied(SimResponse)
    }

    struct PageContext {
        var alerts: [SimAlert]
        var limit: Int
        var detailed: Bool
    }

    let configuration: Configuration
    /// The tenant's main access key, printed by `prisma-relay sim`.
    public nonisolated let user: SimUser
    var users: [String: SimUser]
    private var alerts: [SimAlert] = []
    private var alertIndex: [String: Int] = [:]
    private var generator: AlertGenerator
    var incidents: [SimIncident] = []
    var incidentIndex: [String: Int] = [:]
    var incidentGenerator: IncidentGenerator
    private var random: SimRandom
    private var contexts: [String: PageContext] = [:]
    private var pagesByToken: [String: Int] = [:]
    var loginTimes: [String: Int64] = [:]
    private var limiter: RateLimiter?
    var nextTokenID = 0
    let jwt: SimJWT
    /// Faults to inject; change them at any time.
    public var faults = SimFaults()

    /// Requests answered, by endpoint name (`login`, `extend`, `alerts`) and by status (`status.429`).
    public private(set) var counters: [String: Int] = [:]

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        var random = SimRandom(seed: configuration.seed)
        let tenant = SimUser.Tenant(
            customerName: "Simulated Tenant", prismaId: String(806_775_241_068_457_984 &+ Int(configuration.seed % 1000)))
        user = SimUser(
            accessKeyID: random.uuid(), secretKey: Base64URL.encode((0..<20).map { _ in UInt8(truncatingIfNeeded: random.next()) }),
            tenants: [tenant])
        users = [user.accessKeyID: user]
        jwt = SimJWT(key: SymmetricKey(data: (0..<32).map { _ in UInt8(truncatingIfNeeded: random.next()) }))
        generator = AlertGenerator(seed: configuration.seed)
        incidentGenerator = IncidentGenerator(seed: configuration.seed)
        self.random = random
        if let rate = configuration.rateLimitPerSecond {
            limiter = RateLimiter(rate: rate, burst: configuration.rateLimitBurst)
        }
    }

    /// The Compute console's tenant path, without the leading slash (nil for a self-hosted console).
    public nonisolated var computeTenant: String? { configuration.computeTenant }

    /// The current simulator time, epoch milliseconds.
    public func now() -> Int64 { configuration.clock() }

    // MARK: Control

    /// Adds another access key (e.g. one without Alerts: View, or one with several tenants).
    public func addUser(_ user: SimUser) { users[user.accessKeyID] = user }

    /// Replaces the faults to inject.
    public func setFaults(_ faults: SimFaults) { self.faults = faults }

    /// Adds `count` alerts opened at random times in `start ..< start + spread` (epoch ms). Alerts opened after
    /// the simulator's now stay invisible until their time comes, so arrival over time can be simulated.
    @discardableResult
    public func addAlerts(_ count: Int, start: Int64, spread: Int64) -> [String] {
        let made = generator.make(count: count, start: start, spread: spread)
        for alert in made {
            alertIndex[alert.id] = alerts.count
            alerts.append(alert)
        }
        return made.map(\.id)
    }

    /// Adds `count` alerts opened over the `hours` before now.
    @discardableResult
    public func addRecentAlerts(_ count: Int, hours: Int = 24) -> [String] {
        let span = Int64(hours) * 3_600_000
        return addAlerts(count, start: now() - span, spread: span)
    }

    /// Changes the status of `count` open alerts (chosen by the seed) to `status` now, bumping `lastUpdated`.
    @discardableResult
    public func transition(_ count: Int, to status: String) -> [String] {
        let open = alerts.indices.filter { alerts[$0].status == "open" && alerts[$0].firstSeen <= now() }
        var chosen = Set<Int>()
        while chosen.count < min(count, open.count) { chosen.insert(random.pick(open)) }
        return chosen.sorted().map { index in
            transitionAlert(at: index, to: status)
            return alerts[index].id
        }
    }

    /// Changes one alert's status now; returns false when there is no such alert.
    @discardableResult
    public func transition(alert id: String, to status: String) -> Bool {
        guard let index = alertIndex[id] else { return false }
        transitionAlert(at: index, to: status)
        return true
    }

    private func transitionAlert(at index: Int, to status: String) {
        // lastUpdated strictly increases so each change is a distinct version.
        let time = max(now(), alerts[index].lastUpdated + 1)
        alerts[index].change(to: status, reason: AlertGenerator.reason(for: status), at: time, by: "secops@example.com")
    }

    /// The alert as the detailed list returns it.
    public func alert(_ id: String) -> JSONValue? { alertIndex[id].map { alerts[$0].json(detailed: true) } }

    /// Every alert id, in id order.
    public var alertIDs: [String] { alerts.map(\.id) }

    // MARK: Endpoints

    /// `POST /login`.
    public func login(_ request: SimRequest) -> SimResponse {
        count("login")
        guard let body = try? JSONValue.parse(request.body), let username = body["username"]?.stringValue,
            let password = body["password"]?.stringValue
        else { return finish(.redlockError(400, "invalid_credentials", subject: "username")) }
        guard let user = users[username], user.secretKey == password else {
            return finish(.redlockError(401, "invalid_credentials"))
        }
        let wanted = body["prismaId"]?.stringValue ?? body["customerName"]?.stringValue
        let tenant: SimUser.Tenant
        if let wanted {
            guard let match = user.tenants.first(where: { $0.prismaId == wanted || $0.customerName == wanted }) else {
                return finish(.redlockError(401, "invalid_credentials", subject: "prismaId"))
            }
            tenant = match
        } else if user.tenants.count > 1 {
            return finish(.json(.object(["message": .string("login_needs_customer_name"), "customerNames": customerNames(user)])))
        } else {
            tenant = user.tenants[0]
        }
        return finish(.json(tokenResponse(user: user, tenant: tenant.prismaId)))
    }

    /// `GET /auth_token/extend`: a fresh token while the current one is valid.
    public func extend(_ request: SimRequest) -> SimResponse {
        count("extend")
        switch authenticate(request) {
        case .denied(let response): return finish(response)
        case .valid(let claims):
            guard let user = users[claims.user] else { return finish(.redlockError(401, "invalid_credentials")) }
            var body = tokenResponse(user: user, tenant: claims.tenant)
            if case .object(var object) = body {
                object["roles"] = JSONValue.array([JSONValue.string("System Admin")])
                body = .object(object)
            }
            return finish(.json(body))
        }
    }

    /// `POST /v2/alert`, `GET /v2/alert` and `POST /alert/v1/alert`.
    public func listAlerts(_ request: SimRequest, method: String) -> SimResponse {
        count("alerts")
        let claims: SimJWT.Claims
        switch authenticate(request) {
        case .denied(let response): return finish(response)
        case .valid(let valid): claims = valid
        }
        guard users[claims.user]?.canViewAlerts == true else { return finish(.redlockError(403, "access_denied")) }
        var rateHeaders: [(String, String)] = []
        if var limiter {
            let (granted, remaining) = limiter.take(user: claims.user, now: now())
            self.limiter = limiter
            rateHeaders = limiter.headers(remaining: remaining)
            if !granted { return finish(SimResponse(status: 429, headers: rateHeaders, body: [])) }
        }
        if let fault = takeFault(rateHeaders: rateHeaders) { return finish(fault) }

        let query: AlertQuery
        do {
            query = try method == "GET" ? Self.query(fromParameters: request.query) : AlertQuery(json: try JSONValue.parse(request.body))
        } catch {
            return finish(.redlockError(400, "invalid_request", subject: "\(error)"))
        }
        let detailedOverride = request.queryValue("detailed").map { $0.lowercased() == "true" }
        let contextID: String
        let offset: Int
        if let token = query.pageToken {
            guard let (id, at) = Self.decodePageToken(token), contexts[id] != nil else {
                return finish(.redlockError(400, "invalid_page_token"))
            }
            (contextID, offset) = (id, at)
        } else {
            if let problem = AlertSearch.validate(query) { return finish(.redlockError(400, problem)) }
            let matched = AlertSearch.run(query, over: alerts, now: now(), loginAt: loginTimes[claims.tokenID] ?? 0)
            contextID = random.hex(16)
            contexts[contextID] = PageContext(
                alerts: matched, limit: max(1, query.limit ?? AlertQuery.maxLimit),
                detailed: detailedOverride ?? query.detailed ?? false)
            offset = 0
        }
        let context = contexts[contextID]!
        let end = min(context.alerts.count, offset + context.limit)
        let items = offset < end ? context.alerts[offset..<end].map { $0.json(detailed: detailedOverride ?? context.detailed) } : []
        var body: JSONObject = ["totalRows": .int(context.alerts.count), "items": .array(items)]
        if end < context.alerts.count || faults.trailingEmptyPage {
            body["nextPageToken"] = .string(Self.encodePageToken(contextID, end))
        }
        body["sortAllowedColumns"] = .array(["alertTime", "lastUpdated", "lastSeen", "firstSeen", "id"].map(JSONValue.string))
        pagesByToken[claims.tokenID, default: 0] += 1
        var response = SimResponse.json(.object(body), headers: rateHeaders)
        response.delayMillis = faults.slowResponseMillis
        return finish(response)
    }

    // MARK: Helpers

    func count(_ name: String) { counters[name, default: 0] += 1 }

    func finish(_ response: SimResponse) -> SimResponse {
        count("status.\(response.status)")
        return response
    }

    private func customerNames(_ user: SimUser) -> JSONValue {
        .array(
            user.tenants.map {
                .object(["customerName": .string($0.customerName), "prismaId": .string($0.prismaId), "tosAccepted": .bool(true)])
            })
    }

    func tokenResponse(user: SimUser, tenant: String) -> JSONValue {
        nextTokenID += 1
        let issued = now()
        let claims = SimJWT.Claims(
            user: user.accessKeyID, tenant: tenant, issuedAt: issued,
            expiresAt: issued + Int64(configuration.tokenLifetimeSeconds) * 1000, tokenID: "t\(nextTokenID)")
        loginTimes[claims.tokenID] = issued
        return .object([
            "token": .string(jwt.sign(claims)), "message": .string("login_successful"), "customerNames": customerNames(user),
        ])
    }

    func authenticate(_ request: SimRequest) -> Authentication {
        guard let token = request.header("x-redlock-auth"), !token.isEmpty else {
            return .denied(.redlockError(401, "auth_token_missing"))
        }
        guard let claims = jwt.verify(token) else { return .denied(.redlockError(401, "invalid_token")) }
        // JWT exp has second precision; compare in milliseconds against the claim.
        if now() >= claims.expiresAt { return .denied(.redlockError(401, "token_expired")) }
        if let limit = faults.expireTokenAfterPages, pagesByToken[claims.tokenID, default: 0] >= limit {
            return .denied(.redlockError(401, "token_expired"))
        }
        return .valid(claims)
    }

    func takeFault(rateHeaders: [(String, String)]) -> SimResponse? {
        if faults.serverErrors > 0 {
            faults.serverErrors -= 1
            return SimResponse(status: 503, headers: [("Retry-After", "1")], body: [])
        }
        if faults.rateLimited > 0 {
            faults.rateLimited -= 1
            let headers = (limiter ?? RateLimiter(rate: 2, burst: 10)).headers(remaining: 0)
            return SimResponse(status: 429, headers: headers, body: [])
        }
        if faults.malformedJSON > 0 {
            faults.malformedJSON -= 1
            return SimResponse(
                status: 200, headers: [("Content-Type", "application/json")],
                body: Array(#"{"totalRows":3,"items":[{"id":"P-1","status":"op"#.utf8))
        }
        if faults.htmlErrorPage > 0 {
            faults.htmlErrorPage -= 1
            let page = "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>"
            return SimResponse(status: 200, headers: [("Content-Type", "text/html; charset=utf-8")], body: Array(page.utf8))
        }
        return nil
    }

    static func encodePageToken(_ context: String, _ offset: Int) -> String {
        Base64URL.encode(Array("\(context):\(offset)".utf8))
    }

    static func decodePageToken(_ token: String) -> (String, Int)? {
        guard let data = Base64URL.decode(token) else { return nil }
        let parts = String(decoding: data, as: UTF8.self).split(separator: ":")
        guard parts.count == 2, let offset = Int(parts[1]) else { return nil }
        return (String(parts[0]), offset)
    }

    /// The `GET /v2/alert` query string as a `FilterModel`.
    static func query(fromParameters parameters: [(String, String)]) throws(WireError) -> AlertQuery {
        var query = AlertQuery()
        var timeType: String?
        var values: [String: String] = [:]
        for (name, value) in parameters {
            switch name {
            case "timeType": timeType = value.lowercased()
            case "timeAmount", "timeUnit", "startTime", "endTime", "detailed", "pageToken", "limit": values[name] = value
            case "sortBy": query.sortBy.append(value)
            case "fields", "offset": break
            default: query.filters.append(AlertQuery.Filter(name: name, value: value))
            }
        }
        switch timeType {
        case "relative":
            guard let amount = values["timeAmount"].flatMap(Int.init), let unit = values["timeUnit"] else {
                throw WireError("timeType=relative needs timeAmount and timeUnit")
            }
            query.timeRange = try TimeRange(
                json: .object(["type": .string("relative"), "value": .object(["amount": .int(amount), "unit": .string(unit)])]))
        case "absolute":
            guard let start = values["startTime"].flatMap(Int64.init), let end = values["endTime"].flatMap(Int64.init) else {
                throw WireError("timeType=absolute needs startTime and endTime")
            }
            query.timeRange = .absolute(startTime: start, endTime: end)
        case "to_now":
            query.timeRange = try TimeRange(json: .object(["type": .string("to_now"), "value": .string(values["timeUnit"] ?? "epoch")]))
        case nil: break
        default: throw WireError("timeType must be relative, absolute or to_now")
        }
        if let limit = values["limit"] {
            guard let value = Int(limit) else { throw WireError("limit must be an integer") }
            query.limit = value
        }
        query.detailed = values["detailed"].map { $0.lowercased() == "true" }
        query.pageToken = values["pageToken"]
        return query
    }
}
