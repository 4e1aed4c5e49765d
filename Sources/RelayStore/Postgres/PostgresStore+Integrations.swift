import Foundation
import Logging
import PostgresNIO
import RelayModel

extension PostgresStore {
    public func addIntegration(_ integration: Integration) async throws {
        try await transaction { [self] connection in try await addIntegration(connection, integration) }
    }

    func addIntegration(_ connection: PostgresConnection, _ integration: Integration) async throws {
        let sealed = try box.seal(JSONValue.object(integration.config).jsonString(), context: integration.id)
        let added = try await connection.rows(
            """
            INSERT INTO integration (id, name, type, description, enabled, sealed_config, created_by, created_ts,
                                     last_modified_by, last_modified_ts)
            VALUES (\(integration.id), \(integration.name), \(integration.type.rawValue), \(integration.description),
                    \(integration.enabled), \(sealed), \(integration.createdBy), \(integration.createdTs), \(integration.lastModifiedBy),
                    \(integration.lastModifiedTs))
            ON CONFLICT DO NOTHING RETURNING 1 AS added
            """, logger: logger)
        if added.isEmpty { throw StoreError.integrationNameExists(integration.name) }
    }

    public func updateIntegration(_ integration: Integration) async throws {
        try await transaction { [self] connection in try await updateIntegration(connection, integration) }
    }

    func updateIntegration(_ connection: PostgresConnection, _ integration: Integration) async throws {
        let sealed = try box.seal(JSONValue.object(integration.config).jsonString(), context: integration.id)
        let taken = try await connection.rows(
            "SELECT 1 AS taken FROM integration WHERE name = \(integration.name) AND id <> \(integration.id)", logger: logger)
        guard taken.isEmpty else { throw StoreError.integrationNameExists(integration.name) }
        let changed = try await connection.rows(
            """
            UPDATE integration SET name = \(integration.name), description = \(integration.description),
                enabled = \(integration.enabled), sealed_config = \(sealed), last_modified_by = \(integration.lastModifiedBy),
                last_modified_ts = \(integration.lastModifiedTs)
            WHERE id = \(integration.id) RETURNING 1 AS changed
            """, logger: logger)
        guard !changed.isEmpty else { throw StoreError.unknownIntegration(integration.id) }
        // A changed configuration gets another chance: lift a pause set for refused credentials.
        try await connection.query(
            """
            UPDATE integration_state SET paused = FALSE, status = 'GREEN', error_type = NULL, message = NULL, status_code = NULL
            WHERE integration_id = \(integration.id) AND paused
            """, logger: logger)
    }

    public func removeIntegration(id: String) async throws {
        try await transaction { [self] connection in try await removeIntegration(connection, id: id) }
    }

    func removeIntegration(_ connection: PostgresConnection, id: String) async throws {
        let users = try await Self.loadRules(connection, logger: logger).filter { $0.integrationIDs.contains(id) }.map(\.name)
        guard users.isEmpty else { throw StoreError.integrationInUse(id: id, rules: users) }
        try await connection.query("DELETE FROM legacy_destination_key WHERE integration_id = \(id)", logger: logger)
        try await connection.query("DELETE FROM delivery_hour WHERE integration_id = \(id)", logger: logger)
        try await connection.query("DELETE FROM delivery_failure WHERE integration_id = \(id)", logger: logger)
        let removed = try await connection.rows("DELETE FROM integration WHERE id = \(id) RETURNING 1 AS removed", logger: logger)
        if removed.isEmpty { throw StoreError.unknownIntegration(id) }
    }

    public func integration(id: String) async throws -> Integration? {
        try await rows("SELECT * FROM integration WHERE id = \(id)").first.map(decodeIntegration)
    }

    public func integrations() async throws -> [Integration] {
        try await rows("SELECT * FROM integration ORDER BY name COLLATE \"C\"").map(decodeIntegration)
    }

    func decodeIntegration(_ row: PostgresRandomAccessRow) throws -> Integration {
        let id = try row.get("id", as: String.self)
        // A type this build does not know stays stored: the engine leaves its events queued and says why.
        let typeName = try row.get("type", as: String.self)
        guard !typeName.isEmpty else { throw StoreError.corrupt("integration \(id): no type") }
        guard let text = box.open(try row.get("sealed_config", as: Data.self), context: id) else {
            throw StoreError.secretUnreadable(connector: "integration \(id)")
        }
        guard let config = (try? JSONValue.parse(text))?.objectValue else { throw StoreError.corrupt("integration \(id): config") }
        return Integration(
            id: id, name: try row.get("name"), description: try row.get("description"), type: IntegrationType(rawValue: typeName),
            config: config, enabled: try row.get("enabled"), createdBy: try row.get("created_by"), createdTs: try row.get("created_ts"),
            lastModifiedBy: try row.get("last_modified_by"), lastModifiedTs: try row.get("last_modified_ts"))
    }

    // MARK: Alert rules

    public func addRule(_ rule: AlertRule) async throws {
        try await transaction { [self] connection in try await addRule(connection, rule) }
    }

    func addRule(_ connection: PostgresConnection, _ rule: AlertRule) async throws {
        let body = String(decoding: try Self.encoder.encode(rule), as: UTF8.self)
        try await Self.checkIntegrations(of: rule, connection, logger: logger)
        let added = try await connection.rows(
            """
            INSERT INTO alert_rule (id, name, enabled, body) VALUES (\(rule.id), \(rule.name), \(rule.enabled), \(body))
            ON CONFLICT DO NOTHING RETURNING 1 AS added
            """, logger: logger)
        if added.isEmpty { throw StoreError.ruleNameExists(rule.name) }
    }

    public func updateRule(_ rule: AlertRule) async throws {
        try await transaction { [self] connection in try await updateRule(connection, rule) }
    }

    func updateRule(_ connection: PostgresConnection, _ rule: AlertRule) async throws {
        let body = String(decoding: try Self.encoder.encode(rule), as: UTF8.self)
        try await Self.checkIntegrations(of: rule, connection, logger: logger)
        let taken = try await connection.rows(
            "SELECT 1 AS taken FROM alert_rule WHERE name = \(rule.name) AND id <> \(rule.id)", logger: logger)
        guard taken.isEmpty else { throw StoreError.ruleNameExists(rule.name) }
        let changed = try await connection.rows(
            """
            UPDATE alert_rule SET name = \(rule.name), enabled = \(rule.enabled), body = \(body) WHERE id = \(rule.id)
            RETURNING 1 AS changed
            """, logger: logger)
        if changed.isEmpty { throw StoreError.unknownRule(rule.id) }
    }

    public func removeRule(id: String) async throws {
        try await transaction { [self] connection in try await removeRule(connection, id: id) }
    }

    func removeRule(_ connection: PostgresConnection, id: String) async throws {
        let removed = try await connection.rows("DELETE FROM alert_rule WHERE id = \(id) RETURNING 1 AS removed", logger: logger)
        if removed.isEmpty { throw StoreError.unknownRule(id) }
    }

    public func rule(id: String) async throws -> AlertRule? {
        try await rows("SELECT body FROM alert_rule WHERE id = \(id)").first.map(Self.decodeRule)
    }

    public func rules() async throws -> [AlertRule] {
        try await rows("SELECT body FROM alert_rule ORDER BY name COLLATE \"C\"").map(Self.decodeRule)
    }

    static func loadRules(_ connection: PostgresConnection, enabledOnly: Bool = false, logger: Logger) async throws -> [AlertRule] {
        try await connection.rows(
            "SELECT body FROM alert_rule WHERE enabled OR NOT \(enabledOnly) ORDER BY name COLLATE \"C\"", logger: logger
        ).map(decodeRule)
    }

    static func decodeRule(_ row: PostgresRandomAccessRow) throws -> AlertRule {
        do {
            return try JSONDecoder().decode(AlertRule.self, from: Data(try row.get("body", as: String.self).utf8))
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.corrupt("alert rule: \(error)")
        }
    }

    static func checkIntegrations(of rule: AlertRule, _ connection: PostgresConnection, logger: Logger) async throws {
        let known = Set(
            try await connection.rows("SELECT id FROM integration WHERE id = ANY(\(rule.integrationIDs))", logger: logger).map {
                try $0.get("id", as: String.self)
            })
        if let missing = rule.integrationIDs.first(where: { !known.contains($0) }) { throw StoreError.unknownIntegration(missing) }
    }

    public func outbox(integrationID: String?) async throws -> [OutboxEntry] {
        try await rows(
            """
            SELECT event_id, integration_id, created_at FROM outbox
            WHERE \(integrationID)::text IS NULL OR integration_id = \(integrationID) ORDER BY seq
            """
        ).map {
            OutboxEntry(eventID: try $0.get("event_id"), integrationID: try $0.get("integration_id"), createdAt: try $0.get("created_at"))
        }
    }
}
