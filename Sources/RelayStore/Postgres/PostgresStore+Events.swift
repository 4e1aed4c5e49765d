import Foundation
import PostgresNIO
import RelayModel

/// Storing a page: its new events and their outbox rows (routed by the enabled rules), and the cursor, in one
/// transaction of a few statements, whatever the page's size.
extension PostgresStore {
    public func commit(events: [NormalizedEvent], connector: String, cursor: Int64?, lease: ConnectorLease?) async throws -> Int {
        var columns = EventColumns()
        for event in events { columns.append(event) }
        let now = clock()
        let (added, queued) = try await transaction { [logger, columns, notifier] connection in
            if let lease {
                // Shared lock on the lease row: no other worker takes the lease over until this commit ends.
                let current = try await connection.rows(
                    "SELECT token FROM connector_lease WHERE connector = \(connector) FOR SHARE", logger: logger)
                guard try current.first?.get("token", as: Int64.self) == lease.token else {
                    throw StoreError.leaseLost(connector: connector)
                }
            }
            var new: [NormalizedEvent] = []
            if !events.isEmpty {
                // An event seen before is passed over; only a different finding with the same id is an error.
                let inserted: Set<String>
                do {
                    inserted = Set(
                        try await connection.rows(
                            """
                            INSERT INTO event (id, connector, kind, native_id, version, status, severity, module, updated_ms, observed_at, body)
                            SELECT * FROM unnest(\(columns.ids)::text[], \(columns.connectors)::text[], \(columns.kinds)::text[],
                                \(columns.nativeIDs)::text[], \(columns.versions)::text[], \(columns.statuses)::text[],
                                \(columns.severities)::text[], \(columns.modules)::text[], \(columns.updated)::bigint[],
                                \(columns.observed)::text[], \(columns.bodies)::text[])
                            ON CONFLICT (connector, kind, native_id, version) DO NOTHING RETURNING id
                            """, logger: logger
                        ).map { try $0.get("id", as: String.self) })
                } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
                    // The detail reads `Key (id)=(evt_…) already exists.`
                    let detail = error.serverInfo?[.detail] ?? ""
                    throw StoreError.eventIDTaken(
                        detail.split(separator: "(").last?.split(separator: ")").first.map(String.init) ?? "of an event of the page")
                }
                var seen = Set<String>()
                new = events.filter { inserted.contains($0.id) && seen.insert($0.id).inserted }
            }
            // Rules are read inside the transaction, so an event and its deliveries are stored together or not at all.
            let rows = AlertRouter.outboxRows(
                for: new, rules: try await Self.loadRules(connection, enabledOnly: true, logger: logger), at: now)
            if !rows.isEmpty {
                try await connection.query(
                    """
                    INSERT INTO outbox (event_id, integration_id, alert_key, next_attempt_at, created_at)
                    SELECT e, i, k, t, t FROM unnest(\(rows.map(\.eventID))::text[], \(rows.map(\.integrationID))::text[],
                        \(rows.map(\.alertKey))::text[], \(rows.map(\.queuedAt))::bigint[]) AS r(e, i, k, t)
                    ON CONFLICT DO NOTHING
                    """, logger: logger)
                try await Self.notifyQueued(connection, from: notifier, logger: logger)
            }
            if let cursor {
                let moved = try await connection.rows(
                    "UPDATE connector_state SET cursor = \(cursor) WHERE connector = \(connector) RETURNING 1 AS moved", logger: logger)
                if moved.isEmpty { throw StoreError.unknownConnector(connector) }
            }
            return (new.count, !rows.isEmpty)
        }
        if queued { self.queued.ring() }
        return added
    }

    /// A page of events as one array per column, for one multi-row insert.
    struct EventColumns: Sendable {
        var ids: [String] = []
        var connectors: [String] = []
        var kinds: [String] = []
        var nativeIDs: [String] = []
        var versions: [String] = []
        var statuses: [String] = []
        var severities: [String] = []
        var modules: [String] = []
        var updated: [Int64] = []
        var observed: [String] = []
        var bodies: [String] = []

        mutating func append(_ event: NormalizedEvent) {
            ids.append(event.id)
            connectors.append(event.connector)
            kinds.append(event.kind.rawValue)
            nativeIDs.append(event.nativeID)
            versions.append(event.version)
            statuses.append(event.status)
            severities.append(event.severity.rawValue)
            modules.append(event.module.rawValue)
            updated.append(event.updatedMillis)
            observed.append(event.observedAt)
            bodies.append(String(decoding: event.jsonBytes(), as: UTF8.self))
        }
    }
}
