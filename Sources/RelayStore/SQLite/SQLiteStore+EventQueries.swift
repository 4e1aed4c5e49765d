import Foundation
import GRDB
import RelayModel

/// The stored events as the API, console and CLI read them: filtered lists, summaries, one event, its deliveries,
/// and hourly counts.
extension SQLiteStore {
    public func eventPage(_ query: EventQuery) async throws -> EventPage {
        let (sql, values) = Self.pageSQL(query)
        let limit = max(0, query.limit)
        let rows = try await pool.read { [values] db in
            try Row.fetchAll(db, sql: sql, arguments: StatementArguments(values)).map {
                ($0["body"] as String, $0["enrichment"] as String?, EventCursor(updatedMillis: $0["updated_ms"], seq: $0["seq"]))
            }
        }
        let events = try rows.map { try Self.decodeEvent(body: $0.0, enrichment: $0.1) }
        return EventPage(events: events, next: rows.count == limit ? rows.last?.2 : nil)
    }

    public func countEvents(_ query: EventQuery) async throws -> Int {
        let (sql, values) = Self.countSQL(query)
        return try await pool.read { [values] db in try Int.fetchOne(db, sql: sql, arguments: StatementArguments(values)) ?? 0 }
    }

    /// How many events `query` matches, and the values of its parameters.
    static func countSQL(_ query: EventQuery) -> (String, [any DatabaseValueConvertible & Sendable]) {
        let (conditions, values) = filter(query)
        return ("SELECT COUNT(*) FROM event \(conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "))", values)
    }

    /// A page of the events `query` matches, newest first, and the values of its parameters. Both indexes of events hold
    /// every field filtered by but text, so the filters are read from the index and only the rows listed are read.
    static func pageSQL(_ query: EventQuery) -> (String, [any DatabaseValueConvertible & Sendable]) {
        var (conditions, values) = filter(query)
        if let after = query.after {
            conditions.append("(updated_ms < ? OR (updated_ms = ? AND seq < ?))")
            values += [after.updatedMillis, after.updatedMillis, after.seq]
        }
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        return (
            "SELECT body, json AS enrichment, updated_ms, seq FROM \(eventsWithEnrichment) \(filter) ORDER BY updated_ms DESC, seq DESC LIMIT \(max(0, query.limit))",
            values
        )
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
            var summary = EventSummary()
            for row in try Row.fetchAll(
                db, sql: Self.summarySQL(byConnector: connector != nil), arguments: StatementArguments(connector.map { [$0] } ?? []))
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
        let arguments: StatementArguments = connector.map { [$0, since] } ?? [since]
        return try await pool.read { db in
            try Row.fetchAll(db, sql: Self.hourlySQL(byConnector: connector != nil), arguments: arguments).compactMap { row in
                Severity(rawValue: row["severity"]).map { HourlyCount(hour: row["hour"], severity: $0, count: row["n"]) }
            }
        }
    }
}

/// The counts the console and the status show, each read from an index that holds what it counts (`v20-event-facets`),
/// never from the events' rows: at a million events, a count that reads the rows reads gigabytes.
extension SQLiteStore {
    /// Events by severity and module, of all connectors or of one (`?`).
    static func summarySQL(byConnector: Bool) -> String {
        "SELECT severity, module, COUNT(*) AS n FROM event \(byConnector ? "WHERE connector = ?" : "") GROUP BY severity, module"
    }

    /// Events by hour and severity since a time (`?`), of all connectors or of one (`?` first). Two statements rather
    /// than `? IS NULL OR …`, so that each can use its index.
    static func hourlySQL(byConnector: Bool) -> String {
        """
        SELECT (updated_ms / 3600000) * 3600000 AS hour, severity, COUNT(*) AS n FROM event
        WHERE \(byConnector ? "connector = ? AND " : "")updated_ms >= ? GROUP BY hour, severity ORDER BY hour
        """
    }
}
