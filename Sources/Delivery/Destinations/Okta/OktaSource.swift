import Foundation
import RelayHTTP
import RelayModel

/// Okta as an enrichment source: each identity an alert names is looked up by login (`GET /api/v1/users/{login}`),
/// then its enrolled MFA factors, admin roles and groups (at most 20, following `Link: rel="next"`), with
/// `Authorization: SSWS <apiToken>`. Okta's rate limit is kept: `X-Rate-Limit-Remaining: 0` or a 429 (`E0000047`)
/// closes the gate until `X-Rate-Limit-Reset`.
public struct OktaSource: EnrichmentSource {
    let config: Config
    /// `https://{domain}`, or the redirect standing in for it.
    let base: String
    let clock: @Sendable () -> Int64
    let gate = RateGate()

    public init(config: Config, base: String? = nil, clock: @escaping @Sendable () -> Int64) {
        self.config = config
        var root = base ?? "https://\(config.domain)"
        while root.hasSuffix("/") { root.removeLast() }
        self.base = root
        self.clock = clock
    }

    static let maxGroups = 20

    public func keys(for subjects: EnrichmentSubjects) -> [EnrichmentKey] { subjects.identities.map { EnrichmentKey("user", $0) } }

    public func section(_ found: [JSONValue]) -> JSONObject { ["users": .array(found)] }

    public func lookup(_ key: EnrichmentKey, over http: HTTPExchange) async throws -> JSONValue? {
        guard let user = try await get("/api/v1/users/\(SigV4.encode(key.value))", over: http, missingIsNil: true).first,
            let id = user["id"]?.stringValue
        else { return nil }
        let path = "/api/v1/users/\(SigV4.encode(id))"
        let factors = try await get("\(path)/factors", over: http)
        let roles = try await get("\(path)/roles", over: http)
        let groups = try await get("\(path)/groups?limit=\(Self.maxGroups)", over: http, upTo: Self.maxGroups)
        return Self.summary(login: key.value, user: user, factors: factors, roles: roles, groups: groups)
    }

    /// What the relay keeps of a user.
    public static func summary(login: String, user: JSONValue, factors: [JSONValue], roles: [JSONValue], groups: [JSONValue]) -> JSONValue {
        let adminRoles = roles.compactMap { $0["type"]?.stringValue }
        return .object([
            "login": .string(login), "id": user["id"] ?? .null, "status": user["status"] ?? .null,
            "lastLogin": user["lastLogin"] ?? .null,
            "mfaFactors": .array(
                factors.filter { $0["status"]?.stringValue == "ACTIVE" }.compactMap { $0["factorType"]?.stringValue }.map(JSONValue.string)),
            "adminRoles": .array(adminRoles.map(JSONValue.string)), "isAdmin": .bool(!adminRoles.isEmpty),
            "groups": .array(groups.prefix(maxGroups).compactMap { $0["profile"]?["name"]?.stringValue }.map(JSONValue.string)),
        ])
    }

    public func probe(over http: HTTPExchange) async -> DeliveryOutcome {
        await probing { _ = try await get("/api/v1/users?limit=1", over: http) }
    }

    /// The items a `GET` answers (an object is one item), following `Link: rel="next"` on this host up to `limit`.
    func get(_ path: String, over http: HTTPExchange, missingIsNil: Bool = false, upTo limit: Int = 1) async throws -> [JSONValue] {
        var items: [JSONValue] = []
        var url: String? = base + path
        while let next = url {
            if let until = gate.closed(at: clock()) {
                throw EnrichmentFailure(
                    .rateLimited, "Okta's rate limit is reached until \(Timestamp.rfc3339(epochMilliseconds: until))", retryAt: until)
            }
            let request = DestinationRequest(
                method: "GET", url: next, headers: [("Authorization", "SSWS \(config.apiToken)"), ("Accept", "application/json")],
                body: [])
            let response: DestinationResponse
            switch await http.send(request) {
            case .failure(let failure): throw EnrichmentFailure.unreachable(failure)
            case .success(let answer): response = answer
            }
            let reset = response.header("X-Rate-Limit-Reset").flatMap { Int64($0) }.map { $0 * 1000 }
            if response.header("X-Rate-Limit-Remaining") == "0", let reset { gate.close(until: reset) }
            if response.status == 404, missingIsNil { return [] }
            guard response.status == 200 else { throw failure(response, reset: reset) }
            guard let value = try? JSONValue.parse(response.body), value.objectValue != nil || value.arrayValue != nil else {
                throw EnrichmentFailure(
                    .refused, "\(base) answered, but not as Okta's API: check that domain is the org's Okta domain, e.g. example.okta.com",
                    statusCode: response.status)
            }
            items += value.arrayValue ?? [value]
            guard items.count < limit else { break }
            url = Self.nextLink(response.header("Link")).flatMap { $0.hasPrefix(base + "/") ? $0 : nil }
        }
        return items
    }

    /// The `rel="next"` URL of a `Link` header.
    static func nextLink(_ header: String?) -> String? {
        for part in (header ?? "").split(separator: ",") where part.contains("rel=\"next\"") {
            guard let open = part.firstIndex(of: "<"), let close = part.firstIndex(of: ">"), open < close else { continue }
            return String(part[part.index(after: open)..<close])
        }
        return nil
    }

    /// Okta's errors in words: 401 the token, 403 the admin's role, 429 the rate limit, 5xx an outage.
    func failure(_ response: DestinationResponse, reset: Int64?) -> EnrichmentFailure {
        let body = try? JSONValue.parse(response.body)
        let code = body?["errorCode"]?.stringValue
        let summary = RemoteDetail.isTesting ? nil : body?["errorSummary"]?.stringValue.map(RemoteDetail.clean)
        let said = [code, summary].compactMap { $0 }.joined(separator: " ")
        let text = "Okta answered HTTP \(response.status)\(said.isEmpty ? "" : " (\(said))")"
        switch response.status {
        case 401:
            return EnrichmentFailure(
                .refused, "\(text) — check apiToken: an API token (SSWS) from Security → API → Tokens, not an OAuth access token",
                statusCode: 401)
        case 403:
            return EnrichmentFailure(
                .refused, "\(text) — the token's administrator may not read users: create it as a Read-Only Administrator", statusCode: 403)
        case 404:
            return EnrichmentFailure(
                .refused, "\(text) — check that domain is the org's Okta domain, e.g. example.okta.com", statusCode: 404)
        case 429:
            let until = reset ?? (clock() + 60_000)
            gate.close(until: until)
            return EnrichmentFailure(
                .rateLimited, "\(text) — rate limited until \(Timestamp.rfc3339(epochMilliseconds: until))", retryAt: until, statusCode: 429
            )
        default:
            return EnrichmentFailure(.unavailable, text, statusCode: response.status)
        }
    }
}
