import Foundation
import GRDB
import RelayModel

/// Each connector's poll status (outcome, what a running poll waits for, counts and cursor) and its history of polls.
extension SQLiteStore {
    public func recordPoll(_ record: PollRecord) async throws {
        // Statuses are shown to every API user: a URL in a message never carries its credentials.
        let error = record.error.map(URLRedaction.redactURLs(in:))
        try await pool.write { db in
            if error == nil {
                try db.execute(
                    sql:
                        """
                            UPDATE connector_state SET last_poll_at = ?, last_success_at = ?, last_events_added = ?, last_error = NULL,
                                waiting = NULL, last_added_at = CASE WHEN ? > 0 THEN ? ELSE last_added_at END
                            WHERE connector = ?
                        """,
                    arguments: [record.finishedAt, record.finishedAt, record.added, record.added, record.finishedAt, record.connector])
            } else {
                try db.execute(
                    sql: "UPDATE connector_state SET last_poll_at = ?, last_error = ?, waiting = NULL WHERE connector = ?",
                    arguments: [record.finishedAt, error, record.connector])
            }
            if db.changesCount == 0 { throw StoreError.unknownConnector(record.connector) }
            try db.execute(
                sql: """
                    INSERT INTO poll_history (connector, started_at, finished_at, pages, fetched, added, rejected, error)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    record.connector, record.startedAt, record.finishedAt, record.pages, record.fetched, record.added, record.rejected,
                    error,
                ])
            // A week and a day of history, and the last polls however old.
            try db.execute(
                sql: """
                    DELETE FROM poll_history WHERE connector = ? AND finished_at < ?
                        AND seq < (SELECT MIN(seq) FROM (SELECT seq FROM poll_history WHERE connector = ? ORDER BY seq DESC LIMIT ?))
                    """,
                arguments: [record.connector, record.finishedAt - PollRecord.keptMillis, record.connector, PollRecord.keptAtLeast])
        }
    }

    public func polls(connector: String, limit: Int) async throws -> [PollRecord] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM poll_history WHERE connector = ? ORDER BY seq DESC LIMIT ?", arguments: [connector, limit]
            ).map { row in
                PollRecord(
                    connector: row["connector"], startedAt: row["started_at"], finishedAt: row["finished_at"], pages: row["pages"],
                    fetched: row["fetched"], added: row["added"], rejected: row["rejected"], error: row["error"])
            }
        }
    }

    public func pollHours(connector: String, since: Int64) async throws -> [PollHour] {
        try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT (finished_at / 3600000) * 3600000 AS hour, COUNT(*) FILTER (WHERE error IS NULL) AS ok,
                        COUNT(*) FILTER (WHERE error IS NOT NULL) AS failed
                    FROM poll_history WHERE connector = ? AND finished_at >= ? GROUP BY hour ORDER BY hour
                    """, arguments: [connector, since]
            ).map { PollHour(hour: $0["hour"], succeeded: $0["ok"], failed: $0["failed"]) }
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
                        SELECT s.*, json_extract(c.config, '$.enabled') AS enabled, c.created_at,
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
                cursor: row["cursor"], rejectedFindings: row["rejected"], waiting: row["waiting"], lastAddedAt: row["last_added_at"],
                createdAt: row["created_at"])
        }
    }
}
