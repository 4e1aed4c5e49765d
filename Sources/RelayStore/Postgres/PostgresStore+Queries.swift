import Foundation
import PostgresNIO
import RelayModel

/// The stored events as the API, console and CLI read them: filtered lists, summaries, one event, its deliveries,
/// and hourly counts.
extension PostgresStore {
    public func eventPage(_ query: EventQuery) async throws -> EventPage {
        var (conditions, binds) = Self.filter(query)
        if let after = query.after {
            binds.append(after.updatedMillis)
            let updated = binds.count
            binds.append(after.seq)
            conditions.append("(updated_ms < $\(updated) OR (updated_ms = $\(updated) AND seq < $\(binds.count)))")
        }
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let limit = max(0, query.limit)
        let sql =
            "SELECT body, json AS enrichment, updated_ms, seq FROM \(Self.eventsWithEnrichment) \(filter) ORDER BY updated_ms DESC, seq DESC LIMIT \(limit)"
        let rows = try await rows(PostgresQuery(unsafeSQL: sql, binds: binds))
        let events = try rows.map { try Self.decodeEvent($0) }
        let next = try rows.last.map {
            EventCursor(updatedMillis: try $0.get("updated_ms", as: Int64.self), seq: try $0.get("seq", as: Int64.self))
        }
        return EventPage(events: events, next: rows.count == limit ? next : nil)
    }

    public func countEvents(_ query: EventQuery) async throws -> Int {
        let (conditions, binds) = Self.filter(query)
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let rows = try await rows(PostgresQuery(unsafeSQL: "SELECT COUNT(*) AS n FROM event \(filter)", binds: binds))
        return Int(try rows.first?.get("n", as: Int64.self) ?? 0)
    }

    /// The query's filters as SQL conditions on `event` and their bindings.
    static func filter(_ query: EventQuery) -> ([String], PostgresBindings) {
        var conditions: [String] = []
        var binds = PostgresBindings()
        for (column, value) in [
            ("connector", query.connector), ("severity", query.severity?.rawValue), ("kind", query.kind?.rawValue),
            ("module", query.module?.rawValue), ("status", query.status), ("native_id", query.nativeID),
        ] {
            if let value {
                binds.append(value)
                conditions.append("\(column) = $\(binds.count)")
            }
        }
        if let since = query.updatedSince {
            binds.append(since)
            conditions.append("updated_ms >= $\(binds.count)")
        }
        if let delivery = query.delivery {
            conditions.append(
                delivery.sql(event: "event") { value in
                    binds.append(value)
                    return "$\(binds.count)"
                })
        }
        if let text = query.text?.trimmingCharacters(in: .whitespaces), !text.isEmpty {
            // Case-insensitive, as SQLite's LIKE is; the text's own wildcards match only themselves.
            let escaped = text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
                .replacingOccurrences(of: "_", with: "\\_")
            binds.append("%\(escaped)%")
            conditions.append("body ILIKE $\(binds.count) ESCAPE '\\'")
        }
        return (conditions, binds)
    }

    /// Events with the enrichment each was first delivered with, if any.
    static let eventsWithEnrichment = """
        event LEFT JOIN enrichment ON enrichment.digest = (
            SELECT o.enrichment_digest FROM outbox o WHERE o.event_id = event.id AND o.enrichment_digest IS NOT NULL
            ORDER BY o.finished_at, o.seq LIMIT 1)
        """

    static func decodeEvent(_ row: PostgresRandomAccessRow) throws -> NormalizedEvent {
        do {
            var event = try NormalizedEvent(storedJSON: try row.get("body", as: String.self).utf8)
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

    public func hourlyCounts(since: Int64, connector: String?) async throws -> [HourlyCount] {
        // Two statements rather than `… IS NULL OR …`, so that each can use its index.
        let query: PostgresQuery =
            if let connector {
                """
                SELECT (updated_ms / 3600000) * 3600000 AS hour, severity, COUNT(*) AS n FROM event
                WHERE connector = \(connector) AND updated_ms >= \(since) GROUP BY hour, severity ORDER BY hour
                """
            } else {
                """
                SELECT (updated_ms / 3600000) * 3600000 AS hour, severity, COUNT(*) AS n FROM event
                WHERE updated_ms >= \(since) GROUP BY hour, severity ORDER BY hour
                """
            }
        return try await rows(query).compactMap { row in
            try Severity(rawValue: try row.get("severity")).map {
                HourlyCount(hour: try row.get("hour"), severity: $0, count: Int(try row.get("n", as: Int64.self)))
            }
        }
    }
}
