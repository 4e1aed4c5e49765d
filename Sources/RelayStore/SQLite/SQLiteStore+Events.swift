import Foundation
import GRDB
import RelayModel

/// Storing a page: its new events and their outbox rows (routed by the enabled rules), and the cursor, in one
/// transaction.
extension SQLiteStore {
    public func commit(events: [NormalizedEvent], connector: String, cursor: Int64?, lease: ConnectorLease?) async throws -> Int {
        let rows = events.map { event in (event, event.jsonBytes()) }
        let now = clock()
        let (added, queued) = try await pool.write { db in
            if let lease {
                let current = try Int64.fetchOne(db, sql: "SELECT token FROM connector_lease WHERE connector = ?", arguments: [connector])
                guard current == lease.token else { throw StoreError.leaseLost(connector: connector) }
            }
            let insert = try db.cachedStatement(
                sql: """
                    INSERT OR IGNORE INTO event
                        (id, connector, kind, native_id, version, status, severity, module, updated_ms, observed_at, body)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
            let queue = try db.cachedStatement(
                sql: """
                    INSERT OR IGNORE INTO outbox (event_id, integration_id, alert_key, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?)
                    """)
            // Rules are read inside the transaction, so an event and its deliveries are stored together or not at all.
            let rules = try Self.loadRules(db, where: "enabled = 1")
            var new: [NormalizedEvent] = []
            for (event, body) in rows {
                try body.withUnsafeBufferPointer { body in
                    try insert.execute { parameters in
                        parameters.bind(event.id)
                        parameters.bind(event.connector)
                        parameters.bind(event.kind.rawValue)
                        parameters.bind(event.nativeID)
                        parameters.bind(event.version)
                        parameters.bind(event.status)
                        parameters.bind(event.severity.rawValue)
                        parameters.bind(event.module.rawValue)
                        parameters.bind(event.updatedMillis)
                        parameters.bind(event.observedAt)
                        parameters.bind(utf8: body)
                    }
                }
                if db.changesCount == 1 { new.append(event) }
            }
            let routed = AlertRouter.outboxRows(for: new, rules: rules, at: now)
            for row in routed {
                try queue.execute { parameters in
                    parameters.bind(row.eventID)
                    parameters.bind(row.integrationID)
                    parameters.bind(row.alertKey)
                    parameters.bind(row.queuedAt)
                    parameters.bind(row.queuedAt)
                }
            }
            if let cursor {
                try db.execute(sql: "UPDATE connector_state SET cursor = ? WHERE connector = ?", arguments: [cursor, connector])
                if db.changesCount == 0 { throw StoreError.unknownConnector(connector) }
            }
            return (new.count, !routed.isEmpty)
        }
        if queued { self.queued.ring() }
        return added
    }
}
