import Foundation
import RelayHTTP
import RelayModel
import Synchronization

/// Qualys VMDR as an enrichment source: each IP address an alert names is looked up in the VM detection list
/// (`GET /api/2.0/fo/asset/host/vm/detection/?action=list&ips=…`, open detections only), and the five most severe
/// QIDs are named from the KnowledgeBase (titles kept for the source's life). Basic auth with `login`/`password`
/// and `X-Requested-With` on every call, as Qualys requires; calls stay under `X-Concurrency-Limit-Limit`, and a
/// 409 closes the gate for `X-RateLimit-ToWait-Sec`.
public struct QualysSource: EnrichmentSource {
    let config: Config
    let base: String
    let clock: @Sendable () -> Int64
    let gate = RateGate()
    let slots = ConcurrencyLimit(2)
    /// KnowledgeBase titles by QID, kept for the source's life.
    let titles = Titles()

    final class Titles: Sendable {
        private let byQID = Mutex<[String: String]>([:])
        func withLock<T>(_ body: (inout [String: String]) -> T) -> T { byQID.withLock { body(&$0) } }
    }

    public init(config: Config, base: String? = nil, clock: @escaping @Sendable () -> Int64) {
        self.config = config
        var root = base ?? "https://\(config.baseUrl)"
        while root.hasSuffix("/") { root.removeLast() }
        self.base = root
        self.clock = clock
    }

    public func keys(for subjects: EnrichmentSubjects) -> [EnrichmentKey] { subjects.ips.map { EnrichmentKey("ip", $0) } }

    /// The hosts found, each once.
    public func section(_ found: [JSONValue]) -> JSONObject {
        var seen = Set<String>()
        return ["hosts": .array(found.filter { seen.insert($0["hostId"]?.stringValue ?? "").inserted })]
    }

    /// The detection list's request for an address.
    public static func detectionPath(ip: String) -> String {
        "/api/2.0/fo/asset/host/vm/detection/?action=list&ips=\(SigV4.encode(ip))&status=New,Active,Re-Opened&show_results=0"
            + "&truncation_limit=10"
    }

    public func lookup(_ key: EnrichmentKey, over http: HTTPExchange) async throws -> JSONValue? {
        let answer = try await get(Self.detectionPath(ip: key.value), over: http)
        let host: QualysXML.Host?
        do { host = try QualysXML.detectionHost(answer) } catch { throw EnrichmentFailure(.unavailable, "Qualys: \(error)") }
        guard let host else { return nil }
        let top = Self.top(host)
        let unknown = top.map(\.qid).filter { qid in titles.withLock { $0[qid] == nil } }
        if !unknown.isEmpty {
            let list = try await get(
                "/api/2.0/fo/knowledge_base/vuln/?action=list&details=Basic&ids=\(unknown.joined(separator: ","))", over: http)
            let found: [String: String]
            do { found = try QualysXML.titles(list) } catch { throw EnrichmentFailure(.unavailable, "Qualys: \(error)") }
            titles.withLock { $0.merge(found) { $1 } }
        }
        let known = titles.withLock { $0 }
        return Self.summary(key: key, host: host, titles: known)
    }

    /// The five most severe detections, QID breaking ties.
    static func top(_ host: QualysXML.Host) -> [(qid: String, severity: Int)] {
        Array(host.detections.sorted { ($0.severity, Int($1.qid) ?? 0) > ($1.severity, Int($0.qid) ?? 0) }.prefix(5))
    }

    /// What the relay keeps of a host: its id, last scan, open detections per severity 1–5 and the five most severe.
    public static func summary(key: EnrichmentKey, host: QualysXML.Host, titles: [String: String]) -> JSONValue {
        var counts = JSONObject()
        for level in (1...5).reversed() { counts[String(level)] = .int(host.detections.filter { $0.severity == level }.count) }
        return .object([
            "subject": .string(key.description), "hostId": .string(host.id), "ip": .optional(host.ip), "dns": .optional(host.dns),
            "lastScan": .optional(host.lastScan), "detections": .object(counts),
            "top": .array(
                top(host).map { .object(["qid": .string($0.qid), "severity": .int($0.severity), "title": .optional(titles[$0.qid])]) }),
        ])
    }

    public func probe(over http: HTTPExchange) async -> DeliveryOutcome {
        await probing {
            let answer = try await get("/api/2.0/fo/asset/host/?action=list&truncation_limit=1", over: http)
            guard QualysXML.isHostList(answer) else {
                throw EnrichmentFailure(.refused, "Qualys answered the host list with another document: check baseUrl", statusCode: 200)
            }
        }
    }

    func get(_ path: String, over http: HTTPExchange) async throws -> String {
        if let until = gate.closed(at: clock()) {
            throw EnrichmentFailure(
                .rateLimited, "Qualys' rate limit is reached until \(Timestamp.rfc3339(epochMilliseconds: until))", retryAt: until)
        }
        let credentials = Data("\(config.login):\(config.password)".utf8).base64EncodedString()
        let request = DestinationRequest(
            method: "GET", url: base + path,
            headers: [("Authorization", "Basic \(credentials)"), ("X-Requested-With", "PrismaRelay"), ("Accept", "application/xml")],
            body: [])
        let response: DestinationResponse
        switch await slots.run({ await http.send(request) }) {
        case .failure(let failure): throw EnrichmentFailure.unreachable(failure)
        case .success(let answer): response = answer
        }
        if let cap = response.header("X-Concurrency-Limit-Limit").flatMap(Int.init) { await slots.setLimit(cap) }
        let text = String(decoding: response.body, as: UTF8.self)
        guard response.status == 200 else { throw failure(response, text: text) }
        guard text.drop(while: \.isWhitespace).hasPrefix("<"), !text.lowercased().contains("<html") else {
            throw EnrichmentFailure(
                .refused,
                "\(base) answered, but not as the Qualys API: give baseUrl as the API server of the subscription's platform, e.g. qualysapi.qg2.apps.qualys.com",
                statusCode: 200)
        }
        return text
    }

    /// Qualys' errors in words: 401 the login, 409 the rate or concurrency limit, 5xx an outage.
    func failure(_ response: DestinationResponse, text: String) -> EnrichmentFailure {
        let simple = QualysXML.simpleReturn(text)
        let detail =
            RemoteDetail.isTesting
            ? "" : [simple?.code.map { "code \($0)" }, simple?.text.map(RemoteDetail.clean)].compactMap { $0 }.joined(separator: " ")
        let said = "Qualys answered HTTP \(response.status)\(detail.isEmpty ? "" : " (\(detail))")"
        switch response.status {
        case 401:
            return EnrichmentFailure(.refused, "\(said) — check login and password, and that the user may use the API", statusCode: 401)
        case 403:
            return EnrichmentFailure(
                .refused, "\(said) — the user may not use this API: give it the Manager or Reader role with API access", statusCode: 403)
        case 409:
            let wait = response.header("X-RateLimit-ToWait-Sec").flatMap { Int64($0) } ?? 5
            let until = clock() + max(1, wait) * 1000
            gate.close(until: until)
            return EnrichmentFailure(
                .rateLimited,
                "\(said) — rate or concurrency limit reached; asking again after \(Timestamp.rfc3339(epochMilliseconds: until))",
                retryAt: until, statusCode: 409)
        default:
            return EnrichmentFailure(.unavailable, said, statusCode: response.status)
        }
    }
}
