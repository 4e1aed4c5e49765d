import Foundation
import GRDB
import RelayModel

/// Storing a page: its new events and their outbox rows (routed by the enabled rules), and the cursor, in one
/// transaction.
extension SQLiteStore {
    public func commit(events: [NormalizedEvent], connector: String, cursor: Int64?, lease: ConnectorLease?) async throws -> Int {
        let bodies = events.map { $0.jsonBytes() }
        let now = clock()
        let (added, queued) = try await pool.write { db in
            if let lease {
                let current = try Int64.fetchOne(db, sql: "SELECT token FROM connector_lease WHERE connector = ?", arguments: [connector])
                guard current == lease.token else { throw StoreError.leaseLost(connector: connector) }
            }
            let insert = try db.cachedStatement(
                sql: """
                    INSERT INTO event
                        (id, connector, kind, native_id, version, status, severity, module, updated_ms, observed_at, body)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (connector, kind, native_id, version) DO NOTHING
                    """)
            let queue = try db.cachedStatement(
                sql: """
                    INSERT OR IGNORE INTO outbox (event_id, integration_id, alert_key, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?)
                    """)
            // Rules are read inside the transaction, so an event and its deliveries are stored together or not at all.
            let rules = try Self.loadRules(db, where: "enabled = 1")
            var stored: [Int] = []
            // Each event's fields are read where the event is, through a pointer: reading them through the array
            // copies the whole event (some thirty fields, each retained) for each field read.
            try events.withUnsafeBufferPointer { events in
                guard let first = events.baseAddress else { return }
                for index in 0..<events.count {
                    let event = first + index
                    try bodies[index].withUnsafeBufferPointer { body in
                        // An event seen before is passed over; only a different finding with the same id is an error.
                        try Self.refusingTakenID(event.pointee.id) {
                            try insert.execute { parameters in
                                parameters.bind(event.pointee.id)
                                parameters.bind(event.pointee.connector)
                                parameters.bind(event.pointee.kind.rawValue)
                                parameters.bind(event.pointee.nativeID)
                                parameters.bind(event.pointee.version)
                                parameters.bind(event.pointee.status)
                                parameters.bind(event.pointee.severity.rawValue)
                                parameters.bind(event.pointee.module.rawValue)
                                parameters.bind(
                                    NormalizedEvent.updatedMillis(
                                        kind: event.pointee.kind, version: event.pointee.version, lastSeen: event.pointee.lastSeen))
                                parameters.bind(event.pointee.observedAt)
                                parameters.bind(utf8: body)
                            }
                        }
                    }
                    if db.changesCount == 1 { stored.append(index) }
                }
            }
            let new = stored.count == events.count ? events : stored.map { events[$0] }
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
            return (stored.count, !routed.isEmpty)
        }
        if queued { self.queued.ring() }
        return added
    }

    /// Runs an insert of event `id`, saying a violation of the one unique constraint it does not pass over (the id's)
    /// as such.
    static func refusingTakenID(_ id: String, _ insert: () throws -> Void) throws {
        do {
            try insert()
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            throw StoreError.eventIDTaken(id)
        }
    }
}
