import Foundation
import PostgresNIO
import RelayModel

extension PostgresStore {
    public func addConnector(_ config: ConnectorConfig) async throws {
        let settings = String(decoding: try Self.encoder.encode(config), as: UTF8.self)
        let secret = try box.seal(config.secretKey.reveal(), context: config.name)
        let now = clock()
        try await transaction { [logger] connection in
            let added = try await connection.rows(
                """
                INSERT INTO connector (name, type, config, secret, created_at, updated_at)
                VALUES (\(config.name), \(config.type.rawValue), \(settings), \(secret), \(now), \(now))
                ON CONFLICT (name) DO NOTHING RETURNING 1 AS added
                """, logger: logger)
            guard !added.isEmpty else { throw StoreError.connectorExists(config.name) }
            try await connection.query("INSERT INTO connector_state (connector) VALUES (\(config.name))", logger: logger)
        }
    }

    public func updateConnector(_ config: ConnectorConfig) async throws {
        let settings = String(decoding: try Self.encoder.encode(config), as: UTF8.self)
        let secret = try box.seal(config.secretKey.reveal(), context: config.name)
        let now = clock()
        let changed = try await rows(
            """
            UPDATE connector SET type = \(config.type.rawValue), config = \(settings), secret = \(secret), updated_at = \(now)
            WHERE name = \(config.name) RETURNING 1 AS changed
            """)
        if changed.isEmpty { throw StoreError.unknownConnector(config.name) }
    }

    public func removeConnector(named name: String) async throws {
        let removed = try await rows("DELETE FROM connector WHERE name = \(name) RETURNING 1 AS removed")
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
        config.secretKey = Secret(secret)
        return config
    }

    // MARK: Poll state

    public func recordPoll(connector: String, at time: Int64, outcome: PollOutcome) async throws {
        let changed: [PostgresRandomAccessRow]
        switch outcome {
        case .success(let added):
            changed = try await rows(
                """
                UPDATE connector_state SET last_poll_at = \(time), last_success_at = \(time), last_events_added = \(Int64(added)),
                    last_error = NULL, waiting = NULL
                WHERE connector = \(connector) RETURNING 1 AS changed
                """)
        case .failure(let message):
            // Statuses are shown to every API user: a URL in a message never carries its credentials.
            let redacted = URLRedaction.redactURLs(in: message)
            changed = try await rows(
                """
                UPDATE connector_state SET last_poll_at = \(time), last_error = \(redacted), waiting = NULL
                WHERE connector = \(connector) RETURNING 1 AS changed
                """)
        }
        if changed.isEmpty { throw StoreError.unknownConnector(connector) }
    }

    public func noteWaiting(connector: String, _ note: String?) async throws {
        _ = try await rows("UPDATE connector_state SET waiting = \(note) WHERE connector = \(connector)")
    }

    public func state(of connector: String) async throws -> ConnectorState {
        guard
            let row = try await rows(
                """
                SELECT s.cursor, s.last_poll_at, s.last_success_at, s.last_events_added, s.last_error, s.waiting,
                       (c.config::jsonb ->> 'enabled')::boolean AS enabled,
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
            waiting: try row.get("waiting"))
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
