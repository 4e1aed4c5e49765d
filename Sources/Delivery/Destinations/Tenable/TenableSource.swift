import Foundation
import RelayHTTP
import RelayModel

/// Tenable Vulnerability Management as an enrichment source: each host an alert names (IPv4/IPv6 address, EC2
/// instance id, DNS name) is found among the workbench's assets (`GET /workbenches/assets` filtered by `ipv4`,
/// `ipv6`, `aws_ec2_instance_id` or `fqdn`), then its vulnerabilities (`GET /workbenches/assets/{id}/vulnerabilities`)
/// are counted per severity and the five highest by VPR named — with `X-ApiKeys: accessKey=…;secretKey=…;`. A 429
/// closes the gate for its `Retry-After`.
public struct TenableSource: EnrichmentSource {
    let config: Config
    let base: String
    let clock: @Sendable () -> Int64
    let gate = RateGate()

    public static let defaultBase = "https://cloud.tenable.com"

    public init(config: Config, base: String? = nil, clock: @escaping @Sendable () -> Int64) {
        self.config = config
        var root = base ?? Self.defaultBase
        while root.hasSuffix("/") { root.removeLast() }
        self.base = root
        self.clock = clock
    }

    public func keys(for subjects: EnrichmentSubjects) -> [EnrichmentKey] {
        subjects.ips.map { EnrichmentKey("ip", $0) } + subjects.instanceIDs.map { EnrichmentKey("instance", $0) }
            + subjects.dnsNames.map { EnrichmentKey("dns", $0) }
    }

    /// The hosts found, each asset once.
    public func section(_ found: [JSONValue]) -> JSONObject {
        var seen = Set<String>()
        return ["hosts": .array(found.filter { seen.insert($0["assetId"]?.stringValue ?? "").inserted })]
    }

    /// The workbench filter for a key.
    static func filter(_ key: EnrichmentKey) -> String {
        switch key.kind {
        case "ip": key.value.contains(":") ? "ipv6" : "ipv4"
        case "instance": "aws_ec2_instance_id"
        default: "fqdn"
        }
    }

    /// The asset search for a key.
    public func assetsPath(_ key: EnrichmentKey) -> String {
        "/workbenches/assets?filter.0.filter=\(Self.filter(key))&filter.0.quality=eq&filter.0.value=\(SigV4.encode(key.value))"
            + "&filter.search_type=and"
    }

    public func lookup(_ key: EnrichmentKey, over http: HTTPExchange) async throws -> JSONValue? {
        guard let asset = try await get(assetsPath(key), over: http)["assets"]?.arrayValue?.first,
            let id = asset["id"]?.stringValue
        else { return nil }
        let vulnerabilities = try await get("/workbenches/assets/\(SigV4.encode(id))/vulnerabilities", over: http)
        return Self.summary(key: key, asset: asset, vulnerabilities: vulnerabilities["vulnerabilities"]?.arrayValue ?? [])
    }

    static let severities = ["info", "low", "medium", "high", "critical"]

    /// What the relay keeps of an asset: its id, when it was last seen, counts per severity and the five highest by
    /// VPR (then severity).
    public static func summary(key: EnrichmentKey, asset: JSONValue, vulnerabilities: [JSONValue]) -> JSONValue {
        var counts = Dictionary(uniqueKeysWithValues: severities.map { ($0, 0) })
        for vulnerability in vulnerabilities {
            let level = Int(vulnerability["severity"]?.int64Value ?? 0)
            counts[severities[min(max(level, 0), 4)], default: 0] += 1
        }
        func vpr(_ item: JSONValue) -> Double {
            (item["vpr_score"] ?? item["vpr"]?["score"]).flatMap { value -> Double? in
                if case .number(let text) = value { return Double(text) }
                return nil
            } ?? -1
        }
        let top = vulnerabilities.sorted {
            (vpr($0), $0["severity"]?.int64Value ?? 0) > (vpr($1), $1["severity"]?.int64Value ?? 0)
        }.prefix(5)
        return .object([
            "subject": .string(key.description), "assetId": asset["id"] ?? .null,
            "lastSeen": asset["last_seen"] ?? .null,
            "vulnerabilities": .object(JSONObject(severities.reversed().map { .init(key: $0, value: .int(counts[$0] ?? 0)) })),
            "top": .array(
                top.map { item in
                    .object([
                        "pluginId": item["plugin_id"] ?? .null, "pluginName": item["plugin_name"] ?? .null,
                        "vpr": vpr(item) < 0 ? .null : .number(String(vpr(item))),
                        "severity": .string(severities[min(max(Int(item["severity"]?.int64Value ?? 0), 0), 4)]),
                    ])
                }),
        ])
    }

    public func probe(over http: HTTPExchange) async -> DeliveryOutcome {
        await probing { _ = try await get("/session", over: http) }
    }

    func get(_ path: String, over http: HTTPExchange) async throws -> JSONValue {
        if let until = gate.closed(at: clock()) {
            throw EnrichmentFailure(
                .rateLimited, "Tenable's rate limit is reached until \(Timestamp.rfc3339(epochMilliseconds: until))", retryAt: until)
        }
        let request = DestinationRequest(
            method: "GET", url: base + path,
            headers: [("X-ApiKeys", "accessKey=\(config.accessKey);secretKey=\(config.secretKey);"), ("Accept", "application/json")],
            body: [])
        let response: DestinationResponse
        switch await http.send(request) {
        case .failure(let failure): throw EnrichmentFailure.unreachable(failure)
        case .success(let answer): response = answer
        }
        guard response.status == 200 else { throw failure(response) }
        guard let value = try? JSONValue.parse(response.body), value.objectValue != nil else {
            throw EnrichmentFailure(.unavailable, "Tenable answered \(path) with something other than JSON", statusCode: 200)
        }
        return value
    }

    /// Tenable's errors in words: 401 the keys, 403 the user's role, 429 the rate limit, 5xx an outage.
    func failure(_ response: DestinationResponse) -> EnrichmentFailure {
        let detail = RemoteDetail.text(in: response.body)
        let text = "Tenable answered HTTP \(response.status)\(detail.isEmpty ? "" : ": \(detail)")"
        switch response.status {
        case 401:
            return EnrichmentFailure(
                .refused, "\(text) — check accessKey and secretKey (Settings → My Account → API Keys in Tenable)", statusCode: 401)
        case 403:
            return EnrichmentFailure(
                .refused, "\(text) — the keys' user may not read assets and vulnerabilities: give it a role of Basic or higher",
                statusCode: 403)
        case 429:
            let wait = response.header("Retry-After").flatMap { Int64($0) } ?? 60
            let until = clock() + wait * 1000
            gate.close(until: until)
            return EnrichmentFailure(
                .rateLimited, "\(text) — rate limited until \(Timestamp.rfc3339(epochMilliseconds: until))", retryAt: until, statusCode: 429
            )
        default:
            return EnrichmentFailure(.unavailable, text, statusCode: response.status)
        }
    }
}
