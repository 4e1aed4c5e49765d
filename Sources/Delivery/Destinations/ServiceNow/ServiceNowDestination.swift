import Foundation
import RelayHTTP
import RelayModel
import RelayStore

/// `service_now`: each event written to the Table API of every table ticked in `tables`, with Basic auth
/// (`login`/`password`). `incident` and `sn_si_incident` keep one record per alert, found by `correlation_id`
/// (`<connector>/<alert id>`): created when missing, updated after (a resolved or dismissed alert resolves an
/// incident). `em_event` gets one event per change with `message_key` = the same key, which Event Management
/// correlates into one alert; a resolve is a clear (severity 0).
public struct ServiceNowDestination: Destination {
    let config: Config

    public init(config: Config) { self.config = config }

    /// From a validated `integrationConfig`.
    public init(config: JSONObject) { self.init(config: Config(config)) }

    public var maxBatch: Int { 1 }

    /// The ticked tables, in the order given.
    var tables: [String] { config.tables }

    var base: String {
        var url = config.hostUrl
        while url.hasSuffix("/") { url.removeLast() }
        return url
    }

    var headers: [(String, String)] {
        let credentials = Data("\(config.login):\(config.password)".utf8).base64EncodedString()
        return [("Authorization", "Basic \(credentials)"), ("Accept", "application/json"), ("Content-Type", "application/json")]
    }

    /// A field cut to ServiceNow's length, saying so at its end.
    static func fitting(_ text: String, characters: Int) -> String {
        let marker = " … [cut to fit ServiceNow]"
        return text.count <= characters ? text : String(text.prefix(characters - marker.count)) + marker
    }

    public static func correlationID(_ event: NormalizedEvent) -> String { AlertKey.of(event) }

    static func closed(_ event: NormalizedEvent) -> Bool { ["resolved", "dismissed"].contains(event.status) }

    /// The record written to a task table (`incident`, `sn_si_incident`).
    public static func taskRecord(_ event: NormalizedEvent, table: String) -> JSONValue {
        let level = ["high": "1", "medium": "2", "low": "3", "info": "3"][event.severity.rawValue] ?? "3"
        let resource = [event.resource.name ?? event.resource.id, event.resource.cloud, event.resource.accountID].compactMap { $0 }.joined(
            separator: " / ")
        var lines = [
            "Prisma Cloud \(event.kind.rawValue) \(event.nativeID) (\(event.originalSeverity ?? event.severity.rawValue), \(event.status))"
        ]
        if !resource.isEmpty { lines.append("Resource: \(resource)") }
        if let description = event.description { lines.append(description) }
        if let link = event.link { lines.append("In Prisma Cloud: \(link)") }
        var record: JSONObject = [
            "short_description": .string(String("[\(event.originalSeverity ?? event.severity.rawValue)] \(event.title)".prefix(160))),
            "description": .string(Self.fitting(lines.joined(separator: "\n"), characters: 4_000)),
            "correlation_id": .string(correlationID(event)),
            "correlation_display": .string("Prisma Cloud"), "impact": .string(level), "urgency": .string(level),
        ]
        if closed(event), table == "incident" {
            record["state"] = .string("6")
            record["close_code"] = .string("Resolved by caller")
            record["close_notes"] = .string("Prisma Cloud marked the alert \(event.status).")
        }
        return .object(record)
    }

    /// The `em_event` record.
    public static func eventRecord(_ event: NormalizedEvent) -> JSONValue {
        let severity =
            closed(event)
            ? "0"
            : event.originalSeverity?.lowercased() == "critical"
                ? "1"
                : ["high": "2", "medium": "3", "low": "4", "info": "5"][event.severity.rawValue] ?? "5"
        let info: JSONValue = .object([
            "alertId": .string(event.nativeID), "eventId": .string(event.id), "status": .string(event.status),
            "module": .string(event.module.rawValue),
            "cloud": .optional(event.resource.cloud), "account": .optional(event.resource.accountID),
            "region": .optional(event.resource.region),
            "link": .optional(event.link),
        ])
        let time = Timestamp.rfc3339(epochMilliseconds: event.updatedMillis)
        return .object([
            "source": .string("Prisma Cloud"),
            "node": .string(event.resource.name ?? event.resource.id ?? event.resource.accountID ?? "unknown"),
            "type": .string(event.policy?.type ?? event.kind.rawValue), "resource": .string(event.resource.id ?? ""),
            "metric_name": .string(event.policy?.name ?? event.title), "severity": .string(severity),
            "description": .string(String(event.title.prefix(4000))), "message_key": .string(correlationID(event)),
            "additional_info": .string(info.jsonString()),
            "time_of_event": .string(String(time.prefix(10)) + " " + String(time.dropFirst(11).prefix(8))),
        ])
    }

    public func deliver(_ batch: [QueuedDelivery], over http: HTTPExchange) async -> BatchOutcome {
        guard let event = batch.first?.event else { return .all(.delivered) }
        guard !tables.isEmpty else {
            return .all(
                .credentialsRefused(reason: "no table is ticked in tables: tick incident, sn_si_incident or em_event", statusCode: 0))
        }
        for table in tables {
            let outcome =
                table == "em_event"
                ? await send(Self.eventRecord(event), to: table, over: http) : await upsert(event, in: table, over: http)
            guard outcome == .delivered else { return .all(outcome) }
        }
        return .all(.delivered)
    }

    /// Finds the alert's record by `correlation_id`, then updates it or creates it.
    func upsert(_ event: NormalizedEvent, in table: String, over http: HTTPExchange) async -> DeliveryOutcome {
        let query = "correlation_id=\(Self.correlationID(event))"
        let lookup = DestinationRequest(
            method: "GET",
            url: "\(base)/api/now/table/\(table)?sysparm_query=\(SigV4.encode(query))&sysparm_fields=sys_id&sysparm_limit=1",
            headers: headers.filter { $0.0 != "Content-Type" }, body: [])
        let found: DestinationResponse
        switch await http.send(lookup) {
        case .failure(let failure): return failure.outcome
        case .success(let response): found = response
        }
        guard found.status == 200 else { return Self.classify(found, table: table) }
        let sysID = (try? JSONValue.parse(found.body))?["result"]?.arrayValue?.first?["sys_id"]?.stringValue
        if let sysID { return await send(Self.taskRecord(event, table: table), to: "\(table)/\(sysID)", method: "PATCH", over: http) }
        // A first event that is already closed is recorded as such, so the history is whole.
        return await send(Self.taskRecord(event, table: table), to: table, over: http)
    }

    func send(_ record: JSONValue, to path: String, method: String = "POST", over http: HTTPExchange) async -> DeliveryOutcome {
        let request = DestinationRequest(method: method, url: "\(base)/api/now/table/\(path)", headers: headers, body: record.jsonBytes())
        switch await http.send(request) {
        case .failure(let failure): return failure.outcome
        case .success(let response): return Self.classify(response, table: String(path.split(separator: "/").first ?? ""))
        }
    }

    /// ServiceNow's answers: 401 and 403 pause (credentials, ACLs), 404 pauses (the table's plugin is missing), 429
    /// waits until `X-RateLimit-Reset`, 5xx retries, other 4xx are refused.
    static func classify(_ response: DestinationResponse, table: String) -> DeliveryOutcome {
        guard !(200..<300).contains(response.status) else { return .delivered }
        let error = (try? JSONValue.parse(response.body))?["error"]
        let detail = [error?["message"]?.stringValue, error?["detail"]?.stringValue].compactMap { $0 }.filter { !$0.isEmpty }.joined(
            separator: ": ")
        let text = "ServiceNow answered HTTP \(response.status) for \(table)\(detail.isEmpty ? "" : ": \(detail)")"
        switch response.status {
        case 401: return .credentialsRefused(reason: "\(text) — check login and password", statusCode: 401)
        case 403: return .credentialsRefused(reason: "\(text) — give the user a role that may write \(table)", statusCode: 403)
        case 404:
            return .credentialsRefused(
                reason: "\(text) — check hostUrl and that the table's plugin is installed, or untick it in tables", statusCode: 404)
        case 429:
            let reset = response.header("X-RateLimit-Reset").flatMap { Double($0) }
            let wait =
                RetryPolicy.serverFloor(headers: { response.header($0) })
                ?? reset.map { .milliseconds(Int64(max(1, $0 - Date().timeIntervalSince1970) * 1000)) }
            return .retryLater(reason: text, statusCode: 429, wait: wait)
        default:
            return RetryPolicy.isRetryable(status: response.status)
                ? .retryLater(reason: text, statusCode: response.status, wait: nil) : .rejected(reason: text, statusCode: response.status)
        }
    }
}
