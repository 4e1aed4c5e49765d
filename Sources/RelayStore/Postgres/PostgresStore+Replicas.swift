import PostgresNIO
import RelayModel

extension PostgresStore {
    public func recordHeartbeat(_ replica: Replica) async throws {
        try await transaction { [logger] connection in
            try await connection.query(
                """
                INSERT INTO replica (id, host, pid, version, started_at, heartbeat_at, stopped_at)
                VALUES (\(replica.id), \(replica.host), \(replica.pid), \(replica.version), \(replica.startedAt), \(replica.heartbeatAt),
                    \(replica.stoppedAt))
                ON CONFLICT (id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at, stopped_at = excluded.stopped_at
                """, logger: logger)
            try await connection.query(
                "DELETE FROM replica WHERE heartbeat_at < \(replica.heartbeatAt - Replica.forgottenAfter)", logger: logger)
        }
        try await followKeyRecord()
    }

    public func replicas(now: Int64) async throws -> [Replica] {
        let since = now - Replica.forgottenAfter
        return try await rows(
            """
            SELECT r.id, r.host, r.pid, r.version, r.started_at, r.heartbeat_at, r.stopped_at,
                coalesce((SELECT array_agg(l.connector ORDER BY l.connector) FROM connector_lease l
                    WHERE l.owner = r.id AND l.until > \(now) AND l.connector <> \(ConnectorLease.twoWaySync)), '{}') AS connectors,
                (SELECT count(*) FROM outbox o WHERE o.claimed_by = r.id AND o.claim_until > \(now)) AS claims,
                EXISTS (SELECT 1 FROM connector_lease l WHERE l.owner = r.id AND l.until > \(now)
                    AND l.connector = \(ConnectorLease.twoWaySync)) AS two_way_sync
            FROM replica r WHERE r.heartbeat_at >= \(since) ORDER BY r.heartbeat_at DESC, r.id
            """
        ).map { row in
            Replica(
                id: try row.get("id"), host: try row.get("host"), pid: try row.get("pid"), version: try row.get("version"),
                startedAt: try row.get("started_at"), heartbeatAt: try row.get("heartbeat_at"), stoppedAt: try row.get("stopped_at"),
                connectors: try row.get("connectors"), claimedDeliveries: Int(try row.get("claims", as: Int64.self)),
                twoWaySync: try row.get("two_way_sync"))
        }
    }
}
