import GRDB
import RelayModel

extension SQLiteStore {
    public func recordHeartbeat(_ replica: Replica) async throws {
        try await pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO replica (id, host, pid, version, started_at, heartbeat_at, stopped_at) VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at, stopped_at = excluded.stopped_at
                    """,
                arguments: [
                    replica.id, replica.host, replica.pid, replica.version, replica.startedAt, replica.heartbeatAt, replica.stoppedAt,
                ])
            try db.execute(sql: "DELETE FROM replica WHERE heartbeat_at < ?", arguments: [replica.heartbeatAt - Replica.forgottenAfter])
        }
    }

    public func replicas(now: Int64) async throws -> [Replica] {
        try await pool.read { db in
            let held = try Row.fetchAll(
                db, sql: "SELECT owner, connector FROM connector_lease WHERE until > ? ORDER BY connector", arguments: [now])
            let syncing = Set(held.filter { $0["connector"] == ConnectorLease.twoWaySync }.map { $0["owner"] as String })
            let leases = Dictionary(
                grouping: held.filter { $0["connector"] != ConnectorLease.twoWaySync }, by: { $0["owner"] as String })
            let claims = Dictionary(
                uniqueKeysWithValues: try Row.fetchAll(
                    db, sql: "SELECT claimed_by, count(*) AS n FROM outbox WHERE claim_until > ? GROUP BY claimed_by", arguments: [now]
                ).map { ($0["claimed_by"] as String, $0["n"] as Int) })
            return try Row.fetchAll(
                db, sql: "SELECT * FROM replica WHERE heartbeat_at >= ? ORDER BY heartbeat_at DESC, id",
                arguments: [now - Replica.forgottenAfter]
            ).map { row in
                let id: String = row["id"]
                return Replica(
                    id: id, host: row["host"], pid: row["pid"], version: row["version"], startedAt: row["started_at"],
                    heartbeatAt: row["heartbeat_at"], stoppedAt: row["stopped_at"],
                    connectors: leases[id]?.map { $0["connector"] } ?? [], claimedDeliveries: claims[id] ?? 0,
                    twoWaySync: syncing.contains(id))
            }
        }
    }
}
