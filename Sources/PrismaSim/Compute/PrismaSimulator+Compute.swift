import Foundation
import RelayModel

/// The Compute (CWPP) console API: `/api/vX/authenticate`, `/api/vX/audits/incidents` and its acknowledge route,
/// under the tenant path, plus the CSPM `GET /meta_info` that points at the console.
extension PrismaSimulator {
    /// Largest page `GET /audits/incidents` returns; larger limits are capped.
    public static let incidentPageLimit = 50

    // MARK: Control

    /// Adds `count` incidents at random times in `start ..< start + spread` (epoch ms).
    @discardableResult
    public func addIncidents(_ count: Int, start: Int64, spread: Int64) -> [String] {
        let made = incidentGenerator.make(count: count, start: start, spread: spread)
        for incident in made {
            incidentIndex[incident.id] = incidents.count
            incidents.append(incident)
            // What an incident is made of are runtime audits: its workload's runtime audit route lists them too.
            if let stream = ComputeAuditStream.runtime(ofIncidentType: incident.type), !incident.audits.isEmpty {
                runtimeAudits[stream, default: []] += incident.json["audits"]?.arrayValue ?? []
                runtimeAudits[stream]?.sort { Self.time($0) < Self.time($1) }
            }
        }
        return made.map(\.id)
    }

    /// Adds `count` incidents over the `hours` before now.
    @discardableResult
    public func addRecentIncidents(_ count: Int, hours: Int = 24) -> [String] {
        let span = Int64(hours) * 3_600_000
        return addIncidents(count, start: now() - span, spread: span)
    }

    /// The incident as the list returns it.
    public func incident(_ id: String) -> JSONValue? { incidentIndex[id].map { incidents[$0].json } }

    // MARK: Endpoints

    /// Checks the console path: the configured tenant must lead it. Returns an error answer when it does not.
    func checkTenant(_ tenant: String?, authenticating: Bool) -> SimResponse? {
        guard tenant != configuration.computeTenant else { return nil }
        // SaaS consoles answer 404 on authenticate without the tenant path, 401 elsewhere.
        return authenticating
            ? SimResponse(status: 404, headers: [("Content-Type", "text/plain")], body: Array("404 page not found".utf8))
            : Self.computeError(401, "unauthorized")
    }

    static func computeError(_ status: Int, _ message: String) -> SimResponse {
        .json(.object(["err": .string(message)]), status: status)
    }

    /// `POST /api/vX/authenticate`: username and password (or a CSPM JWT in `token`) → `{"token"}`.
    public func computeAuthenticate(_ request: SimRequest, tenant: String?) -> SimResponse {
        count("compute.authenticate")
        if let wrong = checkTenant(tenant, authenticating: true) { return finish(wrong) }
        guard configuration.computeIssuesTokens else { return finish(Self.computeError(405, "method not allowed")) }
        guard let body = try? JSONValue.parse(request.body) else { return finish(Self.computeError(400, "invalid request body")) }
        let user: SimUser?
        if let jwtToken = body["token"]?.stringValue {
            user = validJWTUser(jwtToken)
        } else if let name = body["username"]?.stringValue, let password = body["password"]?.stringValue {
            user = users[name].flatMap { $0.secretKey == password ? $0 : nil }
        } else {
            user = nil
        }
        guard let user else { return finish(Self.computeError(401, "invalid credentials")) }
        let token = tokenResponse(user: user, tenant: user.tenants[0].prismaId)["token"] ?? .null
        return finish(.json(.object(["token": token])))
    }

    /// `GET /api/vX/audits/incidents`.
    public func listIncidents(_ request: SimRequest, tenant: String?) -> SimResponse {
        count("compute.incidents")
        if let wrong = checkTenant(tenant, authenticating: false) { return finish(wrong) }
        guard computeUser(request) != nil else { return finish(Self.computeError(401, "unauthorized")) }
        if let fault = takeFault("compute.incidents", rateHeaders: []) { return finish(fault) }
        var filters: [String: Set<String>] = [:]
        var offset = 0
        var limit = Self.incidentPageLimit
        var from: Int64?
        var to: Int64?
        var acknowledged: Bool? = false
        var sort = "time"
        var reverse = false
        for (name, value) in request.query {
            switch name {
            case "offset": offset = max(0, Int(value) ?? 0)
            case "limit": limit = min(Self.incidentPageLimit, max(1, Int(value) ?? Self.incidentPageLimit))
            case "from", "to":
                guard let ms = Self.parseTime(value) else { return finish(Self.computeError(400, "invalid \(name) time: \(value)")) }
                if name == "from" { from = ms } else { to = ms }
            case "acknowledged": acknowledged = value.lowercased() == "true"
            case "sort": sort = value
            case "reverse": reverse = value.lowercased() == "true"
            default:
                for item in value.split(separator: ",") { filters[name, default: []].insert(String(item)) }
            }
        }
        let current = now()
        var matched = incidents.filter { incident in
            incident.time <= current && (from.map { incident.time >= $0 } ?? true) && (to.map { incident.time <= $0 } ?? true)
                && (acknowledged.map { incident.acknowledged == $0 } ?? true)
                && filters.allSatisfy { name, values in incident.field(name).map(values.contains) ?? false }
        }
        matched.sort { a, b in
            let (x, y) = sort == "serialNum" ? (Int64(a.serial), Int64(b.serial)) : (a.time, b.time)
            return x != y ? (reverse ? x > y : x < y) : (reverse ? a.serial > b.serial : a.serial < b.serial)
        }
        let page = offset < matched.count ? matched[offset..<min(matched.count, offset + limit)].map(\.json) : []
        var response = SimResponse.json(.array(page), headers: [("Total-Count", String(matched.count))])
        response.delayMillis = faults.slowResponseMillis
        return finish(response)
    }

    /// `PATCH /api/vX/audits/incidents/acknowledge/{id}` with `{"acknowledged": bool}`.
    public func acknowledgeIncident(_ request: SimRequest, tenant: String?, id: String) -> SimResponse {
        count("compute.acknowledge")
        if let wrong = checkTenant(tenant, authenticating: false) { return finish(wrong) }
        guard computeUser(request) != nil else { return finish(Self.computeError(401, "unauthorized")) }
        guard let index = incidentIndex[id] else { return finish(Self.computeError(404, "incident \(id) not found")) }
        guard let flag = (try? JSONValue.parse(request.body))?["acknowledged"]?.boolValue else {
            return finish(Self.computeError(400, "body must be {\"acknowledged\": true|false}"))
        }
        incidents[index].acknowledged = flag
        return finish(SimResponse(status: 200, headers: [], body: []))
    }

    /// `GET /meta_info` (CSPM): where the tenant's Compute console is.
    public func metaInfo(_ request: SimRequest) -> SimResponse {
        count("meta_info")
        guard case .valid = authenticate(request) else { return finish(.redlockError(401, "invalid_token")) }
        let host = request.header("host") ?? "127.0.0.1"
        let path = configuration.computeTenant.map { "/" + $0 } ?? ""
        return finish(.json(.object(["twistlockUrl": .string("http://\(host)\(path)"), "licenseType": .string("enterprise")])))
    }

    // MARK: Helpers

    /// The user behind a Compute request: Bearer token, Basic credentials, or a CSPM JWT in `x-redlock-auth`.
    func computeUser(_ request: SimRequest) -> SimUser? {
        if let authorization = request.header("authorization") {
            let parts = authorization.split(separator: " ", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { return nil }
            switch parts[0].lowercased() {
            case "bearer": return validJWTUser(parts[1])
            case "basic":
                guard let data = Data(base64Encoded: parts[1]) else { return nil }
                let pair = String(decoding: data, as: UTF8.self).split(separator: ":", maxSplits: 1).map(String.init)
                guard pair.count == 2, let user = users[pair[0]], user.secretKey == pair[1] else { return nil }
                return user
            default: return nil
            }
        }
        return request.header("x-redlock-auth").flatMap(validJWTUser)
    }

    func validJWTUser(_ token: String) -> SimUser? {
        guard let claims = jwt.verify(token), now() < claims.expiresAt else { return nil }
        return users[claims.user]
    }

    static func parseTime(_ text: String) -> Int64? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return Int64((date.timeIntervalSince1970 * 1000).rounded()) }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text).map { Int64($0.timeIntervalSince1970 * 1000) }
    }
}
