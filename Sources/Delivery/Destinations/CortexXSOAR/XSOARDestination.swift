import Foundation
import RelayHTTP
import RelayModel
import RelayStore

/// `demisto`: one Cortex XSOAR incident per alert for its whole life. Each event first searches the alert's incident
/// (`POST /incidents/search` on `dbotmirrorid`); the first event creates it (`POST /incident`), later ones update it
/// at its current version (`POST /incident` with `id` and `version`), a resolved or dismissed alert closes it
/// (`POST /incident/close`), and an open event of a closed incident reopens it. XSOAR 6 is called at `hostUrl` with
/// `Authorization: <apiKey>`; XSOAR 8 at `https://api-{fqdn}/xsoar/public/v1` with `x-xdr-auth-id: <apiKeyID>` too.
public struct XSOARDestination: Destination {
    let config: Config
    let integrationID: String
    /// The API's base URL, normalized from `hostUrl` for the configured generation.
    let base: String
    let memory: DestinationMemory
    let clock: @Sendable () -> Int64

    public init(
        config: Config, integrationID: String, apiRedirect: String? = nil, memory: DestinationMemory = DestinationMemory(),
        clock: @escaping @Sendable () -> Int64
    ) {
        self.config = config
        self.integrationID = integrationID
        self.base = Self.base(hostUrl: config.hostUrl, generation: config.generation, redirect: apiRedirect)
        self.memory = memory
        self.clock = clock
    }

    public var maxBatch: Int { 1 }

    /// How long a search may not yet see an incident the relay created, before the relay takes it as deleted.
    static let indexLag: Int64 = 600_000

    /// The API's base for `hostUrl`: XSOAR 6 keeps the URL as given (scheme, host, port and any path, no trailing
    /// slash); XSOAR 8 is always `https://api-{fqdn}/xsoar/public/v1`, whether `hostUrl` has the `api-` prefix or a
    /// path or not. `redirect` stands in for `https://api-{fqdn}` (a proxy or a test receiver).
    public static func base(hostUrl: String, generation: Int, redirect: String?) -> String {
        let url = URLComponents(string: hostUrl)
        if generation == 8 {
            var host = url?.host ?? hostUrl
            if host.hasPrefix("api-") { host.removeFirst(4) }
            var root = redirect ?? "https://api-\(host)"
            while root.hasSuffix("/") { root.removeLast() }
            return root + "/xsoar/public/v1"
        }
        guard let url, let scheme = url.scheme, let host = url.host else { return hostUrl }
        var path = url.path
        while path.hasSuffix("/") { path.removeLast() }
        return "\(scheme)://\(host)\(url.port.map { ":\($0)" } ?? "")\(path)"
    }

    var headers: [(String, String)] {
        var headers = [("Authorization", config.apiKey)]
        if config.generation == 8 { headers.append(("x-xdr-auth-id", config.apiKeyID)) }
        return headers + [("Accept", "application/json"), ("Content-Type", "application/json")]
    }

    /// The exact request for `path` with `body`.
    public func request(_ path: String, _ body: JSONValue) -> DestinationRequest {
        DestinationRequest(url: base + path, headers: headers, body: body.jsonBytes())
    }

    public func deliver(_ batch: [QueuedDelivery], over http: HTTPExchange) async -> BatchOutcome {
        guard let event = batch.first?.event else { return .all(.delivered) }
        do {
            do {
                try await follow(event, over: http)
            } catch let refusal where refusal.stale {
                // Someone edited the incident between the search and the write: it is read again, once.
                try await follow(event, over: http)
            }
            return .all(.delivered)
        } catch {
            return .all(error.outcome)
        }
    }

    /// "Test": a search, which reads nothing but proves the address, the generation's path and the key.
    public func deliverTest(_ item: QueuedDelivery, over http: HTTPExchange) async -> BatchOutcome {
        do {
            _ = try await search(AlertKey.of(item.event), over: http)
            return .all(.delivered)
        } catch {
            return .all(error.outcome)
        }
    }

    /// Brings the alert's incident to what `event` says.
    func follow(_ event: NormalizedEvent, over http: HTTPExchange) async throws(Refusal) {
        let key = AlertKey.of(event)
        guard let incident = try await search(key, over: http) else {
            if let created = memory.recall(key, of: integrationID), clock() - created.at < Self.indexLag {
                throw Refusal(
                    .retryLater(
                        reason:
                            "Cortex XSOAR does not find incident \(created.reference), created for this alert, yet: its search index lags",
                        statusCode: nil, wait: .seconds(5)))
            }
            return try await create(event, over: http)
        }
        if XSOARIncident.closes(event) {
            // An incident closed in XSOAR stays as the analyst left it.
            guard !incident.closed else { return }
            let updated = try await write("/incident", XSOARIncident.update(event, id: incident.id, version: incident.version), over: http)
            return try await close(event, updated ?? incident, over: http)
        }
        _ = try await write(
            "/incident", XSOARIncident.update(event, id: incident.id, version: incident.version, reopen: incident.closed), over: http)
    }

    func create(_ event: NormalizedEvent, over http: HTTPExchange) async throws(Refusal) {
        guard let incident = try await write("/incident", XSOARIncident.create(event), over: http) else {
            throw Refusal(
                .retryLater(reason: "Cortex XSOAR answered the create without an incident id and version", statusCode: 200, wait: nil))
        }
        memory.remember(incident.id, for: AlertKey.of(event), of: integrationID, at: clock())
        // A first event that is already closed is recorded as such, so the history is whole.
        if XSOARIncident.closes(event) { try await close(event, incident, over: http) }
    }

    func close(_ event: NormalizedEvent, _ incident: XSOARIncidentRef, over http: HTTPExchange) async throws(Refusal) {
        _ = try await write("/incident/close", XSOARIncident.close(event, id: incident.id, version: incident.version), over: http)
    }

    /// The alert's incident (the oldest, should there be several), or nil when XSOAR has none.
    func search(_ key: String, over http: HTTPExchange) async throws(Refusal) -> XSOARIncidentRef? {
        let answer = try await call("/incidents/search", XSOARIncident.search(key: key), over: http)
        guard answer.objectValue != nil, answer["data"].map({ $0 == .null || $0.arrayValue != nil }) ?? true else {
            throw Refusal(
                .retryLater(
                    reason: "Cortex XSOAR answered the search with something other than a search result", statusCode: 200, wait: nil))
        }
        return (answer["data"]?.arrayValue ?? []).lazy.compactMap(XSOARIncidentRef.init).first
    }

    /// A write, and the incident XSOAR answered with (nil when the answer does not carry one).
    func write(_ path: String, _ body: JSONValue, over http: HTTPExchange) async throws(Refusal) -> XSOARIncidentRef? {
        XSOARIncidentRef(try await call(path, body, over: http))
    }

    /// Why a call did not succeed, as the delivery's outcome; `stale` when the incident's version moved on.
    struct Refusal: Error {
        var outcome: DeliveryOutcome
        var stale = false
        init(_ outcome: DeliveryOutcome, stale: Bool = false) {
            self.outcome = outcome
            self.stale = stale
        }
    }

    /// Sends `body` to `path` and reads the JSON answer.
    func call(_ path: String, _ body: JSONValue, over http: HTTPExchange) async throws(Refusal) -> JSONValue {
        switch await http.send(request(path, body)) {
        case .failure(let failure): throw Refusal(failure.outcome)
        case .success(let response):
            guard (200..<300).contains(response.status) else { throw classify(response, path: path) }
            guard let value = try? JSONValue.parse(response.body) else {
                throw Refusal(
                    .retryLater(
                        reason:
                            "Cortex XSOAR answered \(path) with HTTP \(response.status) but not JSON: check that hostUrl is the XSOAR API",
                        statusCode: response.status, wait: nil))
            }
            return value
        }
    }

    /// XSOAR's answers: 401 and 403 pause naming the key (and key id), 404 pauses explaining a 6/8 mismatch, a stale
    /// version is read again, 429 and 5xx are retried (honouring `Retry-After`), other 4xx are refused.
    func classify(_ response: DestinationResponse, path: String) -> Refusal {
        let body = try? JSONValue.parse(response.body)
        let detail =
            RemoteDetail.isTesting
            ? "" : body?["reply"]?["err_msg"]?.stringValue.map { RemoteDetail.clean($0) } ?? RemoteDetail.text(in: response.body)
        let said = detail.isEmpty ? "" : ": \(detail)"
        let status = response.status
        let stale = String(decoding: response.body.prefix(2_000), as: UTF8.self).lowercased().contains("version")
        let generation = config.generation == 8 ? "Cortex XSOAR 8" : "Cortex XSOAR 6"
        switch status {
        case 401:
            let what =
                config.generation == 8
                ? "check apiKey and that apiKeyID is the ID shown beside that key (a Standard key; Advanced keys are not supported)"
                : "check apiKey: create one in Settings → Integrations → API Keys and paste it whole"
            return Refusal(.credentialsRefused(reason: "\(generation) refused the API key (HTTP 401)\(said) — \(what)", statusCode: 401))
        case 403:
            return Refusal(
                .credentialsRefused(
                    reason:
                        "\(generation) refused the API key's permissions (HTTP 403)\(said) — give the key a role that may create and edit incidents",
                    statusCode: 403))
        case 404:
            let other =
                config.generation == 8
                ? "if the server is Cortex XSOAR 6, set demistoVersion to 6.0; otherwise check that hostUrl is the tenant's URL"
                : "if the server is Cortex XSOAR 8, set demistoVersion to 8.0 and give apiKeyID; otherwise check hostUrl"
            return Refusal(
                .credentialsRefused(
                    reason: "\(generation) has no \(path) at \(URLRedaction.redact(base)) (HTTP 404) — \(other)", statusCode: 404))
        case 400 where stale, 409 where stale:
            return Refusal(
                .retryLater(
                    reason: "the incident changed in Cortex XSOAR meanwhile (HTTP \(status))\(said)", statusCode: status, wait: .seconds(1)),
                stale: true)
        default:
            return Refusal(
                DeliveryOutcome.classify(
                    status: status, retryAfter: RetryPolicy.serverFloor(headers: { response.header($0) }), detail: detail,
                    destination: generation, location: response.header("Location")))
        }
    }
}
