import Foundation
import GRDB
import RelayModel

extension SQLiteStore {
    public func addIntegration(_ integration: Integration) async throws {
        try await pool.write { [self] db in try addIntegration(db, integration) }
    }

    func addIntegration(_ db: Database, _ integration: Integration) throws {
        let sealed = try box.seal(JSONValue.object(integration.config).jsonString(), context: integration.id)
        if try Bool.fetchOne(db, sql: "SELECT 1 FROM integration WHERE name = ?", arguments: [integration.name]) == true {
            throw StoreError.integrationNameExists(integration.name)
        }
        try db.execute(
            sql: """
                INSERT INTO integration (id, name, type, description, enabled, sealed_config, created_by, created_ts,
                                         last_modified_by, last_modified_ts)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                integration.id, integration.name, integration.type.rawValue, integration.description, integration.enabled,
                sealed, integration.createdBy, integration.createdTs, integration.lastModifiedBy, integration.lastModifiedTs,
            ])
    }

    public func updateIntegration(_ integration: Integration) async throws {
        try await pool.write { [self] db in try updateIntegration(db, integration) }
    }

    func updateIntegration(_ db: Database, _ integration: Integration) throws {
        let sealed = try box.seal(JSONValue.object(integration.config).jsonString(), context: integration.id)
        if try Bool.fetchOne(
            db, sql: "SELECT 1 FROM integration WHERE name = ? AND id != ?", arguments: [integration.name, integration.id]) == true
        {
            throw StoreError.integrationNameExists(integration.name)
        }
        try db.execute(
            sql: """
                UPDATE integration SET name = ?, description = ?, enabled = ?, sealed_config = ?, last_modified_by = ?,
                                       last_modified_ts = ? WHERE id = ?
                """,
            arguments: [
                integration.name, integration.description, integration.enabled, sealed, integration.lastModifiedBy,
                integration.lastModifiedTs, integration.id,
            ])
        if db.changesCount == 0 { throw StoreError.unknownIntegration(integration.id) }
        // A changed configuration gets another chance: lift a pause set for refused credentials.
        try db.execute(
            sql:
                """
                    UPDATE integration_state SET paused = 0, status = 'GREEN', error_type = NULL, message = NULL, status_code = NULL
                    WHERE integration_id = ? AND paused = 1
                """,
            arguments: [integration.id])
    }

    public func removeIntegration(id: String) async throws {
        try await pool.write { [self] db in try removeIntegration(db, id: id) }
    }

    func removeIntegration(_ db: Database, id: String) throws {
        let users = try Self.loadRules(db).filter { $0.integrationIDs.contains(id) }.map(\.name)
        guard users.isEmpty else { throw StoreError.integrationInUse(id: id, rules: users) }
        for table in ["legacy_destination_key", "delivery_hour", "delivery_failure"] {
            try db.execute(sql: "DELETE FROM \(table) WHERE integration_id = ?", arguments: [id])
        }
        try db.execute(sql: "DELETE FROM integration WHERE id = ?", arguments: [id])
        if db.changesCount == 0 { throw StoreError.unknownIntegration(id) }
    }

    public func integration(id: String) async throws -> Integration? {
        try await pool.read { [self] db in
            try Row.fetchOne(db, sql: "SELECT * FROM integration WHERE id = ?", arguments: [id]).map(decodeIntegration)
        }
    }

    public func integrations() async throws -> [Integration] {
        try await pool.read { [self] db in
            try Row.fetchAll(db, sql: "SELECT * FROM integration ORDER BY name").map(decodeIntegration)
        }
    }

    func decodeIntegration(_ row: Row) throws -> Integration {
        let id: String = row["id"]
        // A type this build does not know stays stored: the engine leaves its events queued and says why.
        let typeName: String = row["type"]
        guard !typeName.isEmpty else { throw StoreError.corrupt("integration \(id): no type") }
        let type = IntegrationType(rawValue: typeName)
        guard let text = box.open(row["sealed_config"], context: id) else {
            throw StoreError.secretUnreadable(connector: "integration \(id)")
        }
        guard let config = (try? JSONValue.parse(text))?.objectValue else { throw StoreError.corrupt("integration \(id): config") }
        return Integration(
            id: id, name: row["name"], description: row["description"], type: type, config: config, enabled: row["enabled"],
            createdBy: row["created_by"], createdTs: row["created_ts"], lastModifiedBy: row["last_modified_by"],
            lastModifiedTs: row["last_modified_ts"])
    }
}
