import Foundation
import PostgresNIO
import RelayModel

extension PostgresStore {
    public func addConnector(_ config: ConnectorConfig) async throws {
        try await transaction { [self] connection in try await addConnector(connection, config) }
    }

    func addConnector(_ connection: PostgresConnection, _ config: ConnectorConfig) async throws {
        let settings = String(decoding: try Self.encoder.encode(config), as: UTF8.self)
        let secret = try box.seal(ConnectorSecrets.pack(config), context: config.name)
        let now = clock()
        let added = try await connection.rows(
            """
            INSERT INTO connector (name, type, config, secret, created_at, updated_at)
            VALUES (\(config.name), \(config.type.rawValue), \(settings), \(secret), \(now), \(now))
            ON CONFLICT (name) DO NOTHING RETURNING 1 AS added
            """, logger: logger)
        guard !added.isEmpty else { throw StoreError.connectorExists(config.name) }
        try await connection.query("INSERT INTO connector_state (connector) VALUES (\(config.name))", logger: logger)
    }

    public func updateConnector(_ config: ConnectorConfig) async throws {
        try await transaction { [self] connection in try await updateConnector(connection, config) }
    }

    func updateConnector(_ connection: PostgresConnection, _ config: ConnectorConfig) async throws {
        let settings = String(decoding: try Self.encoder.encode(config), as: UTF8.self)
        let secret = try box.seal(ConnectorSecrets.pack(config), context: config.name)
        let now = clock()
        let changed = try await connection.rows(
            """
            UPDATE connector SET type = \(config.type.rawValue), config = \(settings), secret = \(secret), updated_at = \(now)
            WHERE name = \(config.name) RETURNING 1 AS changed
            """, logger: logger)
        if changed.isEmpty { throw StoreError.unknownConnector(config.name) }
    }

    public func removeConnector(named name: String) async throws {
        try await transaction { [self] connection in try await removeConnector(connection, named: name) }
    }

    func removeConnector(_ connection: PostgresConnection, named name: String) async throws {
        let removed = try await connection.rows("DELETE FROM connector WHERE name = \(name) RETURNING 1 AS removed", logger: logger)
        if removed.isEmpty { throw StoreError.unknownConnector(name) }
    }

    public func connector(named name: String) async throws -> ConnectorConfig? {
        try await rows("SELECT name, config, secret FROM connector WHERE name = \(name)").first.map(decodeConnector)
    }

    public func connectors() async throws -> [ConnectorConfig] {
        try await rows("SELECT name, config, secret FROM connector ORDER BY name COLLATE \"C\"").map(decodeConnector)
    }

    func decodeConnector(_ row: PostgresRandomAccessRow) throws -> ConnectorConfig {
        let name = try row.get("name", as: String.self)
        var config: ConnectorConfig
        do {
            config = try JSONDecoder().decode(ConnectorConfig.self, from: Data(try row.get("config", as: String.self).utf8))
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.corrupt("connector \(name): \(error)")
        }
        guard let secret = box.open(try row.get("secret", as: Data.self), context: name) else {
            throw StoreError.secretUnreadable(connector: name)
        }
        ConnectorSecrets.unpack(secret, into: &config)
        return config
    }

    // MARK: Poll state

    public func recordPoll(_ record: PollRecord) async throws {
        // Statuses are shown to every API user: a URL in a message never carries its credentials.
        let error = record.error.map(URLRedaction.redactURLs(in:))
        let (name, time) = (record.connector, record.finishedAt)
        try await transaction { [logger] connection in
            let changed =
                if error == nil {
                    try await connection.rows(
                        """
                        UPDATE connector_state SET last_poll_at = \(time), last_success_at = \(time),
                            last_events_added = \(Int64(record.added)), last_error = NULL, waiting = NULL,
                            last_added_at = CASE WHEN \(Int64(record.added)) > 0 THEN \(time) ELSE last_added_at END
                        WHERE connector = \(name) RETURNING 1 AS changed
                        """, logger: logger)
                } else {
                    try await connection.rows(
                        """
                        UPDATE connector_state SET last_poll_at = \(time), last_error = \(error), waiting = NULL
                        WHERE connector = \(name) RETURNING 1 AS changed
                        """, logger: logger)
                }
            if changed.isEmpty { throw StoreError.unknownConnector(name) }
            try await connection.query(
                """
                INSERT INTO poll_history (connector, started_at, finished_at, pages, fetched, added, rejected, error)
                VALUES (\(name), \(record.startedAt), \(time), \(Int64(record.pages)), \(Int64(record.fetched)),
                    \(Int64(record.added)), \(Int64(record.rejected)), \(error))
                """, logger: logger)
            // A week and a day of history, and the last polls however old.
            try await connection.query(
                """
                DELETE FROM poll_history WHERE connector = \(name) AND finished_at < \(time - PollRecord.keptMillis)
                    AND seq < (SELECT MIN(seq) FROM (SELECT seq FROM poll_history WHERE connector = \(name)
                        ORDER BY seq DESC LIMIT \(Int64(PollRecord.keptAtLeast))) AS last)
                """, logger: logger)
        }
    }

    public func polls(connector: String, limit: Int) async throws -> [PollRecord] {
        try await rows("SELECT * FROM poll_history WHERE connector = \(connector) ORDER BY seq DESC LIMIT \(Int64(limit))").map { row in
            PollRecord(
                connector: try row.get("connector"), startedAt: try row.get("started_at"), finishedAt: try row.get("finished_at"),
                pages: Int(try row.get("pages", as: Int64.self)), fetched: Int(try row.get("fetched", as: Int64.self)),
                added: Int(try row.get("added", as: Int64.self)), rejected: Int(try row.get("rejected", as: Int64.self)),
                error: try row.get("error"))
        }
    }

    public func pollHours(connector: String, since: Int64) async throws -> [PollHour] {
        try await rows(
            """
            SELECT (finished_at / 3600000) * 3600000 AS hour, COUNT(*) FILTER (WHERE error IS NULL) AS ok,
                COUNT(*) FILTER (WHERE error IS NOT NULL) AS failed
            FROM poll_history WHERE connector = \(connector) AND finished_at >= \(since) GROUP BY hour ORDER BY hour
            """
        ).map {
            PollHour(
                hour: try $0.get("hour"), succeeded: Int(try $0.get("ok", as: Int64.self)),
                failed: Int(try $0.get("failed", as: Int64.self)))
        }
    }

    public func noteWaiting(connector: String, _ note: String?) async throws {
        _ = try await rows("UPDATE connector_state SET waiting = \(note) WHERE connector = \(connector)")
    }

    public func state(of connector: String) async throws -> ConnectorState {
        guard
            let row = try await rows(
                """
                SELECT s.cursor, s.last_poll_at, s.last_success_at, s.last_events_added, s.last_error, s.waiting, s.last_added_at,
                       c.created_at, (c.config::jsonb ->> 'enabled')::boolean AS enabled,
                       (SELECT COUNT(*) FROM event e WHERE e.connector = s.connector) AS total,
                       (SELECT COUNT(*) FROM rejected_finding r WHERE r.connector = s.connector) AS rejected
                FROM connector_state s JOIN connector c ON c.name = s.connector WHERE s.connector = \(connector)
                """
            ).first
        else { throw StoreError.unknownConnector(connector) }
        let lastPoll = try row.get("last_poll_at", as: Int64?.self)
        let lastError = try row.get("last_error", as: String?.self)
        let enabled = try row.get("enabled", as: Bool?.self) ?? true
        let status: ConnectorState.Status = !enabled ? .disabled : lastError != nil ? .error : lastPoll == nil ? .pending : .active
        return ConnectorState(
            status: status, lastPollAt: lastPoll, lastSuccessAt: try row.get("last_success_at"),
            lastEventsAdded: Int(try row.get("last_events_added", as: Int64.self)), totalEvents: Int(try row.get("total", as: Int64.self)),
            lastError: lastError, cursor: try row.get("cursor"), rejectedFindings: Int(try row.get("rejected", as: Int64.self)),
            waiting: try row.get("waiting"), lastAddedAt: try row.get("last_added_at"), createdAt: try row.get("created_at"))
    }

    // MARK: Rejected findings

    public func recordRejected(_ findings: [RejectedFinding]) async throws {
        guard !findings.isEmpty else { return }
        var ids: [String] = []
        var connectors: [String] = []
        var reasons: [String] = []
        var bodies: [String] = []
        var times: [Int64] = []
        for finding in findings {
            let body = finding.raw.jsonString()
            ids.append(EventID.digest([finding.connector, body]))
            connectors.append(finding.connector)
            reasons.append(finding.reason)
            bodies.append(body)
            times.append(finding.rejectedAt)
        }
        _ = try await rows(
            """
            INSERT INTO rejected_finding (id, connector, reason, body, rejected_at)
            SELECT * FROM unnest(\(ids)::text[], \(connectors)::text[], \(reasons)::text[], \(bodies)::text[], \(times)::bigint[])
            ON CONFLICT (id) DO NOTHING
            """)
    }

    public func rejectedFindings(connector: String?) async throws -> [RejectedFinding] {
        try await rows(
            """
            SELECT connector, reason, body, rejected_at FROM rejected_finding
            WHERE \(connector)::text IS NULL OR connector = \(connector) ORDER BY rejected_at DESC, id COLLATE "C"
            """
        ).map {
            RejectedFinding(
                connector: try $0.get("connector"), reason: try $0.get("reason"),
                raw: (try? JSONValue.parse(try $0.get("body", as: String.self))) ?? .null, rejectedAt: try $0.get("rejected_at"))
        }
    }
}
