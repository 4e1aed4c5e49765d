import Foundation
import GRDB
import RelayModel

extension SQLiteStore {
    public func addConnector(_ config: ConnectorConfig) async throws {
        try await pool.write { [self] db in try addConnector(db, config) }
    }

    func addConnector(_ db: Database, _ config: ConnectorConfig) throws {
        let settings = String(decoding: try Self.encoder.encode(config), as: UTF8.self)
        let secret = try box.seal(ConnectorSecrets.pack(config), context: config.name)
        let now = clock()
        if try Bool.fetchOne(db, sql: "SELECT 1 FROM connector WHERE name = ?", arguments: [config.name]) == true {
            throw StoreError.connectorExists(config.name)
        }
        try db.execute(
            sql: "INSERT INTO connector (name, type, config, secret, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
            arguments: [config.name, config.type.rawValue, settings, secret, now, now])
        try db.execute(sql: "INSERT INTO connector_state (connector) VALUES (?)", arguments: [config.name])
    }

    public func updateConnector(_ config: ConnectorConfig) async throws {
        try await pool.write { [self] db in try updateConnector(db, config) }
    }

    func updateConnector(_ db: Database, _ config: ConnectorConfig) throws {
        let settings = String(decoding: try Self.encoder.encode(config), as: UTF8.self)
        let secret = try box.seal(ConnectorSecrets.pack(config), context: config.name)
        let now = clock()
        try db.execute(
            sql: "UPDATE connector SET type = ?, config = ?, secret = ?, updated_at = ? WHERE name = ?",
            arguments: [config.type.rawValue, settings, secret, now, config.name])
        if db.changesCount == 0 { throw StoreError.unknownConnector(config.name) }
    }

    public func removeConnector(named name: String) async throws {
        try await pool.write { [self] db in try removeConnector(db, named: name) }
    }

    func removeConnector(_ db: Database, named name: String) throws {
        try db.execute(sql: "DELETE FROM connector WHERE name = ?", arguments: [name])
        if db.changesCount == 0 { throw StoreError.unknownConnector(name) }
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
        ConnectorSecrets.unpack(secret, into: &config)
        return config
    }
}
