import Foundation
import GRDB
import RelayModel

/// Each connector's poll status: outcome, what a running poll waits for, counts and cursor.
extension SQLiteStore {
    public func recordPoll(connector: String, at time: Int64, outcome: PollOutcome) async throws {
        try await pool.write { db in
            switch outcome {
            case .success(let added):
                try db.execute(
                    sql:
                        """
                            UPDATE connector_state SET last_poll_at = ?, last_success_at = ?, last_events_added = ?, last_error = NULL,
                                waiting = NULL
                            WHERE connector = ?
                        """,
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
}
