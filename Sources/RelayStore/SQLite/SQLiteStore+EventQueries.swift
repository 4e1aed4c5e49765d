import Foundation
import GRDB
import RelayModel

/// The stored events as the API, console and CLI read them: filtered lists, summaries, one event, its deliveries,
/// and hourly counts.
extension SQLiteStore {
    public func eventPage(_ query: EventQuery) async throws -> EventPage {
        var (conditions, values) = Self.filter(query)
        if let after = query.after {
            conditions.append("(updated_ms < ? OR (updated_ms = ? AND seq < ?))")
            values += [after.updatedMillis, after.updatedMillis, after.seq]
        }
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let limit = max(0, query.limit)
        let sql =
            "SELECT body, json AS enrichment, updated_ms, seq FROM \(Self.eventsWithEnrichment) \(filter) ORDER BY updated_ms DESC, seq DESC LIMIT \(limit)"
        let rows = try await pool.read { [values] db in
            try Row.fetchAll(db, sql: sql, arguments: StatementArguments(values)).map {
                ($0["body"] as String, $0["enrichment"] as String?, EventCursor(updatedMillis: $0["updated_ms"], seq: $0["seq"]))
            }
        }
        let events = try rows.map { try Self.decodeEvent(body: $0.0, enrichment: $0.1) }
        return EventPage(events: events, next: rows.count == limit ? rows.last?.2 : nil)
    }

    public func countEvents(_ query: EventQuery) async throws -> Int {
        let (conditions, values) = Self.filter(query)
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        return try await pool.read { [values] db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM event \(filter)", arguments: StatementArguments(values)) ?? 0
        }
    }

    /// The query's filters as SQL conditions on `event` and their values.
    static func filter(_ query: EventQuery) -> ([String], [any DatabaseValueConvertible & Sendable]) {
        var conditions: [String] = []
        var values: [any DatabaseValueConvertible & Sendable] = []
        for (column, value) in [
            ("connector", query.connector), ("severity", query.severity?.rawValue), ("kind", query.kind?.rawValue),
            ("module", query.module?.rawValue), ("status", query.status), ("native_id", query.nativeID),
        ] {
            if let value {
                conditions.append("\(column) = ?")
                values.append(value)
            }
        }
        if let since = query.updatedSince {
            conditions.append("updated_ms >= ?")
            values.append(since)
        }
        if let delivery = query.delivery {
            conditions.append(
                delivery.sql(event: "event") { value in
                    values.append(value)
                    return "?"
                })
        }
        if let text = query.text?.trimmingCharacters(in: .whitespaces), !text.isEmpty {
            conditions.append("body LIKE ? ESCAPE '\\'")
            let escaped = text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
                .replacingOccurrences(of: "_", with: "\\_")
            values.append("%\(escaped)%")
        }
        return (conditions, values)
    }

    /// Events with the enrichment each was first delivered with, if any.
    static let eventsWithEnrichment = """
        event LEFT JOIN enrichment ON enrichment.digest = (
            SELECT o.enrichment_digest FROM outbox o WHERE o.event_id = event.id AND o.enrichment_digest IS NOT NULL
            ORDER BY o.finished_at, o.seq LIMIT 1)
        """

    /// An event from its stored body and the enrichment kept with it.
    static func decodeEvent(body: String, enrichment: String?) throws -> NormalizedEvent {
        do {
            var event = try NormalizedEvent(storedJSON: body.utf8)
            if let enrichment { event.enrichment = try JSONValue.parse(enrichment).objectValue ?? [:] }
            return event
        } catch {
            throw StoreError.corrupt("event: \(error)")
        }
    }

    public func eventSummary(connector: String?) async throws -> EventSummary {
        try await pool.read { db in
            let filter = connector == nil ? "" : "WHERE connector = ?"
            let arguments: StatementArguments = connector.map { [$0] } ?? []
            var summary = EventSummary()
            for row in try Row.fetchAll(
                db, sql: "SELECT severity, module, COUNT(*) AS n FROM event \(filter) GROUP BY severity, module", arguments: arguments)
            {
                let count: Int = row["n"]
                summary.total += count
                if let severity = Severity(rawValue: row["severity"]) { summary.bySeverity[severity, default: 0] += count }
                if let module = Module(rawValue: row["module"]) { summary.byModule[module, default: 0] += count }
            }
            return summary
        }
    }

    public func event(id: String) async throws -> NormalizedEvent? {
        let row = try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT body, json AS enrichment FROM \(Self.eventsWithEnrichment) WHERE id = ?", arguments: [id]).map
            {
                ($0["body"] as String, $0["enrichment"] as String?)
            }
        }
        return try row.map(Self.decodeEvent)
    }

    public func deliveries(eventIDs: [String]) async throws -> [String: [DeliveryState]] {
        guard !eventIDs.isEmpty else { return [:] }
        return try await pool.read { db in
            let marks = Array(repeating: "?", count: eventIDs.count).joined(separator: ", ")
            var found: [String: [DeliveryState]] = [:]
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT event_id, integration_id, state, attempts, last_error, finished_at FROM outbox
                    WHERE event_id IN (\(marks)) ORDER BY seq
                    """, arguments: StatementArguments(eventIDs))
            {
                found[row["event_id"], default: []].append(
                    DeliveryState(
                        integrationID: row["integration_id"], state: row["state"], attempts: row["attempts"], lastError: row["last_error"],
                        finishedAt: row["finished_at"]))
            }
            return found
        }
    }

    public func hourlyCounts(since: Int64, connector: String?) async throws -> [HourlyCount] {
        // Two statements rather than `? IS NULL OR …`, so that each can use its index.
        let (filter, arguments): (String, StatementArguments) =
            connector.map { ("connector = ? AND updated_ms >= ?", [$0, since]) } ?? ("updated_ms >= ?", [since])
        return try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT (updated_ms / 3600000) * 3600000 AS hour, severity, COUNT(*) AS n FROM event
                    WHERE \(filter) GROUP BY hour, severity ORDER BY hour
                    """, arguments: arguments
            ).compactMap { row in
                Severity(rawValue: row["severity"]).map { HourlyCount(hour: row["hour"], severity: $0, count: row["n"]) }
            }
        }
    }
}
