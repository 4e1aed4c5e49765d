import Crypto
import Foundation
import RelayModel

/// The alert list (`POST /v2/alert`, `GET /v2/alert`, v1): filters, page tokens, rate limits and faults.
extension PrismaSimulator {
    /// `count` alerts from `seed`, in the detailed form `POST /v2/alert` answers (about 1.7 KB each, naming the
    /// organisation's people and, for instances, hosts) — for benchmarks that need alerts of a real alert's size
    /// without serving them.
    public static func sampleAlerts(_ count: Int, seed: UInt64 = 7, start: Int64 = 1_700_000_000_000) -> [JSONValue] {
        var generator = AlertGenerator(seed: seed)
        return generator.make(count: count, start: start, spread: 86_400_000).map { $0.json(detailed: true) }
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
        if let fault = takeFault("alerts", rateHeaders: rateHeaders) { return finish(fault) }

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

    /// The next counted fault, when one is due on `route`.
    func takeFault(_ route: String, rateHeaders: [(String, String)]) -> SimResponse? {
        if let routes = faults.routes, !routes.contains(route) { return nil }
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
