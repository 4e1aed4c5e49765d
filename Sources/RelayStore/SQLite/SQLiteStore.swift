import Foundation
import GRDB
import RelayModel

/// The embedded store: one SQLite file in WAL mode, through GRDB.
public final class SQLiteStore: RelayStore {
    let pool: DatabasePool
    let box: SecretBox
    /// The database file.
    public let path: String

    /// Opens (creating and migrating when needed) the database at `path`; secrets are sealed with `box`,
    /// by default the key file `<path>.key`.
    public init(path: String, box: SecretBox? = nil) throws {
        self.path = path
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(10)
        pool = try DatabasePool(path: path, configuration: configuration)
        try SQLiteMigrations.migrator.migrate(pool)
        self.box = try box ?? SecretBox.load(keyFile: path + ".key")
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

    static func now() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    // MARK: Connectors

    public func addConnector(_ config: ConnectorConfig) async throws {
        let settings = String(decoding: try Self.encoder.encode(config), as: UTF8.self)
        let secret = try box.seal(config.secretKey.reveal(), context: config.name)
        try await pool.write { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM connector WHERE name = ?", arguments: [config.name]) == true {
                throw StoreError.connectorExists(config.name)
            }
            let now = Self.now()
            try db.execute(
                sql: "INSERT INTO connector (name, type, config, secret, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [config.name, config.type.rawValue, settings, secret, now, now])
            try db.execute(sql: "INSERT INTO connector_state (connector) VALUES (?)", arguments: [config.name])
        }
    }

    public func updateConnector(_ config: ConnectorConfig) async throws {
        let settings = String(decoding: try Self.encoder.encode(config), as: UTF8.self)
        let secret = try box.seal(config.secretKey.reveal(), context: config.name)
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE connector SET type = ?, config = ?, secret = ?, updated_at = ? WHERE name = ?",
                arguments: [config.type.rawValue, settings, secret, Self.now(), config.name])
            if db.changesCount == 0 { throw StoreError.unknownConnector(config.name) }
        }
    }

    public func removeConnector(named name: String) async throws {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM connector WHERE name = ?", arguments: [name])
            if db.changesCount == 0 { throw StoreError.unknownConnector(name) }
        }
    }

    public func connector(named name: String) async throws -> ConnectorConfig? {
        try await pool.read { [self] db in
            try Row.fetchOne(db, sql: "SELECT name, config, secret FROM connector WHERE name = ?", arguments: [name]).map(decodeConnector)
        }
    }

    public func connectors() async throws -> [ConnectorConfig] {
        try await pool.read { [self] db in
            try Row.fetchAll(db, sql: "SELECT name, config, secret FROM connector ORDER BY name").map(decodeConnector)
        }
    }

    func decodeConnector(_ row: Row) throws -> ConnectorConfig {
        let name: String = row["name"]
        let settings: String = row["config"]
        var config: ConnectorConfig
        do {
            config = try JSONDecoder().decode(ConnectorConfig.self, from: Data(settings.utf8))
        } catch {
            throw StoreError.corrupt("connector \(name): \(error)")
        }
        guard let secret = box.open(row["secret"], context: name) else { throw StoreError.secretUnreadable(connector: name) }
        config.secretKey = Secret(secret)
        return config
    }

    // MARK: Events and cursor

    public func commit(events: [NormalizedEvent], connector: String, cursor: Int64?) async throws -> Int {
        let rows = events.map { event in
            (event, event.jsonValue.jsonString())
        }
        return try await pool.write { db in
            let insert = try db.cachedStatement(sql: """
                INSERT OR IGNORE INTO event (id, connector, kind, native_id, version, status, severity, module, updated_ms, observed_at, body)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            var added = 0
            for (event, body) in rows {
                try insert.execute(arguments: [
                    event.id, event.connector, event.kind.rawValue, event.nativeID, event.version, event.status,
                    event.severity.rawValue, event.module.rawValue, event.updatedMillis, event.observedAt, body,
                ])
                added += db.changesCount
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
                    sql: "UPDATE connector_state SET last_poll_at = ?, last_success_at = ?, last_events_added = ?, last_error = NULL WHERE connector = ?",
                    arguments: [time, time, added, connector])
            case .failure(let message):
                try db.execute(
                    sql: "UPDATE connector_state SET last_poll_at = ?, last_error = ? WHERE connector = ?",
                    arguments: [time, message, connector])
            }
            if db.changesCount == 0 { throw StoreError.unknownConnector(connector) }
        }
    }

    public func state(of connector: String) async throws -> ConnectorState {
        try await pool.read { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT s.*, json_extract(c.config, '$.enabled') AS enabled,
                       (SELECT COUNT(*) FROM event e WHERE e.connector = s.connector) AS total
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
                cursor: row["cursor"])
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
            for row in try Row.fetchAll(db, sql: "SELECT severity, module, COUNT(*) AS n FROM event \(filter) GROUP BY severity, module", arguments: arguments) {
                let count: Int = row["n"]
                summary.total += count
                if let severity = Severity(rawValue: row["severity"]) { summary.bySeverity[severity, default: 0] += count }
                if let module = Module(rawValue: row["module"]) { summary.byModule[module, default: 0] += count }
            }
            return summary
        }
    }
}
