import Foundation
import RelayHTTP
import RelayModel
import RelayStore

/// `google_cscc`: each alert is a Security Command Center finding under `organizations/{orgId}/sources/{sourceId}`,
/// its `findingId` a digest of the connector and alert id (32 hex digits, so every event of an alert is the same
/// finding). An open alert is created (a `409 ALREADY_EXISTS` means it exists: it is then updated); a resolved or
/// dismissed one is set `INACTIVE`. OAuth tokens come from the relay's Google service account.
public struct SCCDestination: Destination {
    let config: Config
    let google: GoogleServiceAccount
    /// `https://securitycenter.googleapis.com`, or where tests put it.
    let base: String

    public static let defaultBase = "https://securitycenter.googleapis.com"

    /// From a validated `integrationConfig`.
    public init(config: JSONObject, google: GoogleServiceAccount, base: String = defaultBase) {
        self.init(config: Config(config), google: google, base: base)
    }

    public init(config: Config, google: GoogleServiceAccount, base: String = defaultBase) {
        self.config = config
        self.google = google
        self.base = base
    }

    public var maxBatch: Int { 1 }

    /// `organizations/{orgId}/sources/{sourceId}`; a full source name in `sourceId` is taken as is.
    var parent: String {
        if config.sourceId.hasPrefix("organizations/") { return config.sourceId }
        return "organizations/\(config.orgId)/sources/\(config.sourceId)"
    }

    /// The finding id of an alert: the same for all its events.
    public static func findingID(_ event: NormalizedEvent) -> String { AlertKey.digest(event) }

    static func severity(_ event: NormalizedEvent) -> String {
        if event.originalSeverity?.lowercased() == "critical" { return "CRITICAL" }
        switch event.severity {
        case .high: return "HIGH"
        case .medium: return "MEDIUM"
        case .low, .info: return "LOW"
        }
    }

    /// The finding for an event, as SCC's v1 `Finding` resource.
    public static func finding(_ event: NormalizedEvent) -> JSONValue {
        let resource = event.resource
        let resourceName =
            resource.id.flatMap { $0.hasPrefix("//") ? $0 : nil }
            ?? "//prismacloud.io/\(resource.cloud ?? "cloud")/\(resource.accountID ?? "-")/\(resource.id ?? event.nativeID)"
        var properties: JSONObject = [
            "prismaAlertId": .string(event.nativeID), "prismaEventId": .string(event.id), "status": .string(event.status),
            "connector": .string(event.connector), "module": .string(event.module.rawValue), "title": .string(event.title),
        ]
        let optional: [(String, String?)] = [
            ("policyId", event.policy?.id), ("policyType", event.policy?.type), ("originalSeverity", event.originalSeverity),
            ("cloud", resource.cloud), ("accountId", resource.accountID), ("region", resource.region), ("resourceName", resource.name),
            ("resourceType", resource.type), ("description", event.description.map { String($0.prefix(4000)) }),
        ]
        for (key, value) in optional { if let value { properties[key] = .string(value) } }
        var finding: JSONObject = [
            "state": .string(["resolved", "dismissed"].contains(event.status) ? "INACTIVE" : "ACTIVE"),
            "resourceName": .string(resourceName), "category": .string(String((event.policy?.name ?? event.title).prefix(255))),
            "eventTime": .string(event.lastSeen ?? event.observedAt), "severity": .string(severity(event)),
            "sourceProperties": .object(properties),
        ]
        if let link = event.link { finding["externalUri"] = .string(link) }
        return .object(finding)
    }

    /// Create (`POST …/findings?findingId=`) for an open alert; update (`PATCH …/findings/{id}?updateMask=`) otherwise.
    public func request(for event: NormalizedEvent, token: String, update: Bool) -> DestinationRequest {
        let id = Self.findingID(event)
        let url =
            update
            ? "\(base)/v1/\(parent)/findings/\(id)?updateMask=state,eventTime,severity,sourceProperties"
            : "\(base)/v1/\(parent)/findings?findingId=\(id)"
        return DestinationRequest(
            method: update ? "PATCH" : "POST", url: url,
            headers: [("Authorization", "Bearer \(token)"), ("Content-Type", "application/json")], body: Self.finding(event).jsonBytes())
    }

    public func deliver(_ batch: [QueuedDelivery], over http: HTTPExchange) async -> BatchOutcome {
        guard let event = batch.first?.event else { return .all(.delivered) }
        let token: String
        do {
            token = try await google.token()
        } catch {
            return .all(error.outcome("Google Security Command Center"))
        }
        var update = event.status != "open"
        for _ in 0..<2 {
            switch await http.send(request(for: event, token: token, update: update)) {
            case .failure(let failure): return .all(failure.outcome)
            case .success(let response):
                if response.status == 409, !update {
                    // The finding exists (an earlier event of the alert, or a retry): bring it up to date.
                    update = true
                    continue
                }
                if response.status == 401 { await google.cache.clear() }
                return .all(Self.classify(response))
            }
        }
        return .all(.retryLater(reason: "Security Command Center kept answering 409 ALREADY_EXISTS", statusCode: 409, wait: nil))
    }

    /// Google's JSON errors: 401 retried with a fresh token, 403 and 404 pause (permissions, wrong organization or
    /// source), 429 and 5xx retried, other 4xx refused.
    static func classify(_ response: DestinationResponse) -> DeliveryOutcome {
        guard !(200..<300).contains(response.status) else { return .delivered }
        let error = (try? JSONValue.parse(response.body))?["error"]
        let text =
            "Security Command Center answered HTTP \(response.status) \(error?["status"]?.stringValue ?? ""): \(error?["message"]?.stringValue ?? "")"
        switch response.status {
        case 401: return .retryLater(reason: text, statusCode: 401, wait: nil)
        case 403:
            return .credentialsRefused(
                reason: "\(text) — give the service account the Security Center Findings Editor role", statusCode: 403)
        case 404: return .credentialsRefused(reason: "\(text) — check orgId and sourceId", statusCode: 404)
        default:
            return RetryPolicy.isRetryable(status: response.status)
                ? .retryLater(reason: text, statusCode: response.status, wait: RetryPolicy.serverFloor(headers: { response.header($0) }))
                : .rejected(reason: text, statusCode: response.status)
        }
    }
}
