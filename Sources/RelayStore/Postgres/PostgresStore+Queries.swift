import Foundation
import PostgresNIO
import RelayModel

/// The stored events as the API, console and CLI read them: filtered lists, summaries, one event, its deliveries,
/// and hourly counts.
extension PostgresStore {
    public func events(_ query: EventQuery) async throws -> [NormalizedEvent] {
        var conditions: [String] = []
        var binds = PostgresBindings()
        func condition(_ sql: (Int) -> String, _ value: String) {
            binds.append(value)
            conditions.append(sql(binds.count))
        }
        for (column, value) in [
            ("connector", query.connector), ("severity", query.severity?.rawValue), ("kind", query.kind?.rawValue),
            ("module", query.module?.rawValue), ("status", query.status),
        ] {
            if let value { condition({ "\(column) = $\($0)" }, value) }
        }
        if let text = query.text?.trimmingCharacters(in: .whitespaces), !text.isEmpty {
            // Case-insensitive, as SQLite's LIKE is; the text's own wildcards match only themselves.
            let escaped = text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
                .replacingOccurrences(of: "_", with: "\\_")
            condition({ "body ILIKE $\($0) ESCAPE '\\'" }, "%\(escaped)%")
        }
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let sql =
            "SELECT body, json AS enrichment FROM \(Self.eventsWithEnrichment) \(filter) ORDER BY updated_ms DESC, seq DESC LIMIT \(max(0, query.limit))"
        return try await rows(PostgresQuery(unsafeSQL: sql, binds: binds)).map { try Self.decodeEvent($0) }
    }

    /// Events with the enrichment each was first delivered with, if any.
    static let eventsWithEnrichment = "event LEFT JOIN event_enrichment ON event_id = id LEFT JOIN enrichment USING (digest)"

    static func decodeEvent(_ row: PostgresRandomAccessRow) throws -> NormalizedEvent {
        do {
            var event = try NormalizedEvent(json: try JSONValue.parse(try row.get("body", as: String.self)))
            if let enrichment = try row.get("enrichment", as: String?.self) {
                event.enrichment = try JSONValue.parse(enrichment).objectValue ?? [:]
            }
            return event
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.corrupt("event: \(error)")
        }
    }

    public func eventSummary(connector: String?) async throws -> EventSummary {
        var summary = EventSummary()
        for row in try await rows(
            """
            SELECT severity, module, COUNT(*) AS n FROM event WHERE \(connector)::text IS NULL OR connector = \(connector)
            GROUP BY severity, module
            """)
        {
            let count = Int(try row.get("n", as: Int64.self))
            summary.total += count
            if let severity = Severity(rawValue: try row.get("severity")) { summary.bySeverity[severity, default: 0] += count }
            if let module = Module(rawValue: try row.get("module")) { summary.byModule[module, default: 0] += count }
        }
        return summary
    }

    public func event(id: String) async throws -> NormalizedEvent? {
        var binds = PostgresBindings()
        binds.append(id)
        let sql = "SELECT body, json AS enrichment FROM \(Self.eventsWithEnrichment) WHERE id = $1"
        return try await rows(PostgresQuery(unsafeSQL: sql, binds: binds)).first.map { try Self.decodeEvent($0) }
    }

    public func deliveries(eventIDs: [String]) async throws -> [String: [DeliveryState]] {
        guard !eventIDs.isEmpty else { return [:] }
        var found: [String: [DeliveryState]] = [:]
        for row in try await rows(
            """
            SELECT event_id, integration_id, state, attempts, last_error, finished_at FROM outbox
            WHERE event_id = ANY(\(eventIDs)) ORDER BY seq
            """)
        {
            found[try row.get("event_id"), default: []].append(
                DeliveryState(
                    integrationID: try row.get("integration_id"), state: try row.get("state"),
                    attempts: Int(try row.get("attempts", as: Int64.self)), lastError: try row.get("last_error"),
                    finishedAt: try row.get("finished_at")))
        }
        return found
    }

    public func hourlyCounts(since: Int64) async throws -> [HourlyCount] {
        try await rows(
            """
            SELECT (updated_ms / 3600000) * 3600000 AS hour, severity, COUNT(*) AS n FROM event
            WHERE updated_ms >= \(since) GROUP BY hour, severity ORDER BY hour
            """
        ).compactMap { row in
            try Severity(rawValue: try row.get("severity")).map {
                HourlyCount(hour: try row.get("hour"), severity: $0, count: Int(try row.get("n", as: Int64.self)))
            }
        }
    }
}
