import Foundation
import GRDB
import RelayModel

extension SQLiteStore {
    public func commit(events: [NormalizedEvent], connector: String, cursor: Int64?, lease: ConnectorLease?) async throws -> Int {
        let rows = events.map { event in
            (event, event.jsonValue.jsonString())
        }
        let now = clock()
        return try await pool.write { db in
            if let lease {
                let current = try Int64.fetchOne(db, sql: "SELECT token FROM connector_lease WHERE connector = ?", arguments: [connector])
                guard current == lease.token else { throw StoreError.leaseLost(connector: connector) }
            }
            let insert = try db.cachedStatement(
                sql: """
                    INSERT OR IGNORE INTO event (id, connector, kind, native_id, version, status, severity, module, updated_ms, observed_at, body)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
            let queue = try db.cachedStatement(
                sql: """
                    INSERT OR IGNORE INTO outbox (event_id, integration_id, alert_key, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?)
                    """)
            // Rules are read inside the transaction, so an event and its deliveries are stored together or not at all.
            let rules = try Self.loadRules(db, where: "enabled = 1")
            var added = 0
            for (event, body) in rows {
                try insert.execute(arguments: [
                    event.id, event.connector, event.kind.rawValue, event.nativeID, event.version, event.status,
                    event.severity.rawValue, event.module.rawValue, event.updatedMillis, event.observedAt, body,
                ])
                guard db.changesCount == 1 else { continue }
                added += 1
                for integration in AlertRouter.destinations(of: event, rules: rules) {
                    try queue.execute(arguments: [event.id, integration, AlertKey.of(event), now, now])
                }
            }
            if let cursor {
                try db.execute(sql: "UPDATE connector_state SET cursor = ? WHERE connector = ?", arguments: [cursor, connector])
                if db.changesCount == 0 { throw StoreError.unknownConnector(connector) }
            }
            return added
        }
    }

    public func recordPoll(connector: String, at time: Int64, outcome: PollOutcome) async throws {
        try await pool.write { db in
            switch outcome {
            case .success(let added):
                try db.execute(
                    sql:
                        "UPDATE connector_state SET last_poll_at = ?, last_success_at = ?, last_events_added = ?, last_error = NULL, waiting = NULL WHERE connector = ?",
                    arguments: [time, time, added, connector])
            case .failure(let message):
                try db.execute(
                    sql: "UPDATE connector_state SET last_poll_at = ?, last_error = ?, waiting = NULL WHERE connector = ?",
                    // Statuses are shown to every API user: a URL in a message never carries its credentials.
                    arguments: [time, URLRedaction.redactURLs(in: message), connector])
            }
            if db.changesCount == 0 { throw StoreError.unknownConnector(connector) }
        }
    }

    public func noteWaiting(connector: String, _ note: String?) async throws {
        try await pool.write { db in
            try db.execute(sql: "UPDATE connector_state SET waiting = ? WHERE connector = ?", arguments: [note, connector])
        }
    }

    public func state(of connector: String) async throws -> ConnectorState {
        try await pool.read { db in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT s.*, json_extract(c.config, '$.enabled') AS enabled,
                               (SELECT COUNT(*) FROM event e WHERE e.connector = s.connector) AS total,
                               (SELECT COUNT(*) FROM rejected_finding r WHERE r.connector = s.connector) AS rejected
                        FROM connector_state s JOIN connector c ON c.name = s.connector WHERE s.connector = ?
                        """, arguments: [connector])
            else { throw StoreError.unknownConnector(connector) }
            let lastPoll: Int64? = row["last_poll_at"]
            let lastError: String? = row["last_error"]
            let enabled: Bool = row["enabled"] ?? true
            let status: ConnectorState.Status =
                !enabled ? .disabled : lastError != nil ? .error : lastPoll == nil ? .pending : .active
            return ConnectorState(
                status: status, lastPollAt: lastPoll, lastSuccessAt: row["last_success_at"],
                lastEventsAdded: row["last_events_added"], totalEvents: row["total"], lastError: lastError,
                cursor: row["cursor"], rejectedFindings: row["rejected"], waiting: row["waiting"])
        }
    }

    public func events(_ query: EventQuery) async throws -> [NormalizedEvent] {
        var conditions: [String] = []
        var values: [String] = []
        if let connector = query.connector {
            conditions.append("connector = ?")
            values.append(connector)
        }
        if let severity = query.severity {
            conditions.append("severity = ?")
            values.append(severity.rawValue)
        }
        for (column, value) in [("kind", query.kind?.rawValue), ("module", query.module?.rawValue), ("status", query.status)] {
            if let value {
                conditions.append("\(column) = ?")
                values.append(value)
            }
        }
        if let text = query.text?.trimmingCharacters(in: .whitespaces), !text.isEmpty {
            conditions.append("body LIKE ? ESCAPE '\\'")
            let escaped = text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
                .replacingOccurrences(of: "_", with: "\\_")
            values.append("%\(escaped)%")
        }
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let sql = "SELECT body FROM event \(filter) ORDER BY updated_ms DESC, seq DESC LIMIT \(max(0, query.limit))"
        let bodies = try await pool.read { [values] db in
            try String.fetchAll(db, sql: sql, arguments: StatementArguments(values))
        }
        return try bodies.map { body in
            do {
                return try NormalizedEvent(json: try JSONValue.parse(body))
            } catch {
                throw StoreError.corrupt("event: \(error)")
            }
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
        let body = try await pool.read { db in try String.fetchOne(db, sql: "SELECT body FROM event WHERE id = ?", arguments: [id]) }
        guard let body else { return nil }
        do {
            return try NormalizedEvent(json: try JSONValue.parse(body))
        } catch {
            throw StoreError.corrupt("event: \(error)")
        }
    }

    public func deliveries(eventIDs: [String]) async throws -> [String: [DeliveryState]] {
        guard !eventIDs.isEmpty else { return [:] }
        return try await pool.read { db in
            let marks = Array(repeating: "?", count: eventIDs.count).joined(separator: ", ")
            var found: [String: [DeliveryState]] = [:]
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT event_id, integration_id, state, attempts, last_error, finished_at FROM outbox WHERE event_id IN (\(marks)) ORDER BY seq
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

    public func hourlyCounts(since: Int64) async throws -> [HourlyCount] {
        try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT (updated_ms / 3600000) * 3600000 AS hour, severity, COUNT(*) AS n FROM event
                    WHERE updated_ms >= ? GROUP BY hour, severity ORDER BY hour
                    """, arguments: [since]
            ).compactMap { row in
                Severity(rawValue: row["severity"]).map { HourlyCount(hour: row["hour"], severity: $0, count: row["n"]) }
            }
        }
    }

    public func recordRejected(_ findings: [RejectedFinding]) async throws {
        guard !findings.isEmpty else { return }
        try await pool.write { db in
            for finding in findings {
                let body = finding.raw.jsonString()
                try db.execute(
                    sql: "INSERT OR IGNORE INTO rejected_finding (id, connector, reason, body, rejected_at) VALUES (?, ?, ?, ?, ?)",
                    arguments: [EventID.digest([finding.connector, body]), finding.connector, finding.reason, body, finding.rejectedAt])
            }
        }
    }

    public func rejectedFindings(connector: String?) async throws -> [RejectedFinding] {
        try await pool.read { db in
            let filter = connector == nil ? "" : "WHERE connector = ?"
            return try Row.fetchAll(
                db, sql: "SELECT connector, reason, body, rejected_at FROM rejected_finding \(filter) ORDER BY rejected_at DESC, id",
                arguments: connector.map { [$0] } ?? []
            ).map {
                RejectedFinding(
                    connector: $0["connector"], reason: $0["reason"], raw: (try? JSONValue.parse($0["body"] as String)) ?? .null,
                    rejectedAt: $0["rejected_at"])
            }
        }
    }
}
