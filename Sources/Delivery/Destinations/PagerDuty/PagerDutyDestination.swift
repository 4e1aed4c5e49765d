import RelayModel
import RelayStore

/// `pager_duty`: Events API v2. `routing_key` from `integrationKey`, `dedup_key` the alert's key (connector and
/// alert id, `AlertKey`), so an alert is one PagerDuty incident however often it is sent, and two tenants never
/// share one: `trigger` while open, `acknowledge` when snoozed, `resolve` when
/// resolved or dismissed.
public struct PagerDutyDestination: HTTPDestination {
    let config: Config
    /// `https://events.pagerduty.com/v2/enqueue`; tests point it at a local receiver.
    let endpoint: String

    public static let defaultEndpoint = "https://events.pagerduty.com/v2/enqueue"

    /// From a validated `integrationConfig`.
    public init(config: JSONObject, endpoint: String = PagerDutyDestination.defaultEndpoint) {
        self.init(config: Config(config), endpoint: endpoint)
    }

    public init(config: Config, endpoint: String = PagerDutyDestination.defaultEndpoint) {
        self.config = config
        self.endpoint = endpoint
    }

    public var maxBatch: Int { 1 }

    /// With a webhook signing secret, PagerDuty tells the relay of the incidents resolved there.
    public var syncsBack: Bool { !config.webhookSecret.isEmpty }

    /// PagerDuty takes events of up to 512 KB.
    public func fitted(_ event: NormalizedEvent) -> NormalizedEvent { fitting(event, requestLimit: 510_000) }

    /// Prisma's tiers in PagerDuty's words: critical stays critical, high is an error, medium a warning.
    static func severity(of event: NormalizedEvent) -> String {
        if event.originalSeverity?.lowercased() == "critical" { return "critical" }
        switch event.severity {
        case .high: return "error"
        case .medium: return "warning"
        case .low, .info: return "info"
        }
    }

    static func action(for status: String) -> String {
        switch status {
        case "resolved", "dismissed": "resolve"
        case "snoozed": "acknowledge"
        default: "trigger"
        }
    }

    public func request(for batch: [NormalizedEvent]) throws -> DestinationRequest {
        guard let event = batch.first else { throw DestinationError.missing("an event") }
        return try request(for: event, dedupKey: AlertKey.of(event))
    }

    /// An incident opened before keys named their connector keeps the bare alert id it was opened with.
    public func request(forQueued batch: [QueuedDelivery]) throws -> DestinationRequest {
        guard let item = batch.first else { throw DestinationError.missing("an event") }
        return try request(for: item.event, dedupKey: item.legacyDestinationKey ?? AlertKey.of(item.event))
    }

    func request(for event: NormalizedEvent, dedupKey: String) throws -> DestinationRequest {
        let key = config.integrationKey
        let action = Self.action(for: event.status)
        var body: JSONObject = [
            "routing_key": .string(key), "event_action": .string(action), "dedup_key": .string(String(dedupKey.prefix(255))),
        ]
        if action == "trigger" {
            let resource = [event.resource.name ?? event.resource.id, event.resource.cloud, event.resource.accountID].compactMap { $0 }
            let summary =
                "[\(event.originalSeverity ?? event.severity.rawValue)] \(event.title)"
                + (resource.isEmpty ? "" : " — " + resource.joined(separator: " / "))
            var payload: JSONObject = [
                "summary": .string(String(summary.prefix(1024))),
                "source": .string(event.resource.id ?? event.resource.accountID ?? event.connector),
                "severity": .string(Self.severity(of: event)),
                "timestamp": .string(event.lastSeen ?? event.observedAt),
            ]
            if let type = event.resource.type { payload["component"] = .string(type) }
            if let account = event.resource.accountID { payload["group"] = .string(account) }
            if let policyType = event.policy?.type { payload["class"] = .string(policyType) }
            payload["custom_details"] = event.jsonValue
            body["payload"] = .object(payload)
            body["client"] = .string("Prisma Cloud (PrismaRelay)")
            let links = AlertFacts(event).links
            if let first = links.first { body["client_url"] = .string(first.url) }
            if !links.isEmpty {
                body["links"] = .array(links.map { .object(["href": .string($0.url), "text": .string($0.label)]) })
            }
        }
        return DestinationRequest(url: endpoint, headers: [("Content-Type", "application/json")], body: JSONValue.object(body).jsonBytes())
    }

    public func classify(_ response: DestinationResponse, batchSize: Int) -> BatchOutcome {
        let json = try? JSONValue.parse(response.body)
        let errors = json?["errors"]?.arrayValue?.compactMap(\.stringValue).joined(separator: "; ") ?? ""
        if response.status == 400, errors.lowercased().contains("routing key") || errors.lowercased().contains("routing_key") {
            return .all(
                .credentialsRefused(reason: "PagerDuty refused the integration key (\(errors)): check integrationKey", statusCode: 400))
        }
        if response.status == 429 {
            // PagerDuty asks clients to back off for tens of seconds.
            let wait = RetryPolicy.serverFloor(headers: { response.header($0) }) ?? .seconds(30)
            return .all(.retryLater(reason: "PagerDuty is rate limiting this integration key (HTTP 429)", statusCode: 429, wait: wait))
        }
        return .all(classifyHTTP(response, name: "PagerDuty"))
    }
}
