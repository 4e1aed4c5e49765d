import Foundation
import GRDB
import RelayModel

extension SQLiteStore {
    public func addRule(_ rule: AlertRule) async throws {
        try await pool.write { [self] db in try addRule(db, rule) }
    }

    func addRule(_ db: Database, _ rule: AlertRule) throws {
        let body = String(decoding: try Self.encoder.encode(rule), as: UTF8.self)
        try Self.checkIntegrations(of: rule, db)
        if try Bool.fetchOne(db, sql: "SELECT 1 FROM alert_rule WHERE name = ?", arguments: [rule.name]) == true {
            throw StoreError.ruleNameExists(rule.name)
        }
        try db.execute(
            sql: "INSERT INTO alert_rule (id, name, enabled, body) VALUES (?, ?, ?, ?)",
            arguments: [rule.id, rule.name, rule.enabled, body])
    }

    public func updateRule(_ rule: AlertRule) async throws {
        try await pool.write { [self] db in try updateRule(db, rule) }
    }

    func updateRule(_ db: Database, _ rule: AlertRule) throws {
        let body = String(decoding: try Self.encoder.encode(rule), as: UTF8.self)
        try Self.checkIntegrations(of: rule, db)
        if try Bool.fetchOne(db, sql: "SELECT 1 FROM alert_rule WHERE name = ? AND id != ?", arguments: [rule.name, rule.id]) == true {
            throw StoreError.ruleNameExists(rule.name)
        }
        try db.execute(
            sql: "UPDATE alert_rule SET name = ?, enabled = ?, body = ? WHERE id = ?",
            arguments: [rule.name, rule.enabled, body, rule.id])
        if db.changesCount == 0 { throw StoreError.unknownRule(rule.id) }
    }

    public func removeRule(id: String) async throws {
        try await pool.write { [self] db in try removeRule(db, id: id) }
    }

    func removeRule(_ db: Database, id: String) throws {
        try db.execute(sql: "DELETE FROM alert_rule WHERE id = ?", arguments: [id])
        if db.changesCount == 0 { throw StoreError.unknownRule(id) }
    }

    public func rule(id: String) async throws -> AlertRule? {
        try await pool.read { db in try Self.loadRules(db, where: "id = ?", [id]).first }
    }

    public func rules() async throws -> [AlertRule] {
        try await pool.read { db in try Self.loadRules(db) }
    }

    static func loadRules(_ db: Database, where condition: String = "1", _ arguments: StatementArguments = []) throws -> [AlertRule] {
        try String.fetchAll(db, sql: "SELECT body FROM alert_rule WHERE \(condition) ORDER BY name", arguments: arguments).map { body in
            do {
                return try JSONDecoder().decode(AlertRule.self, from: Data(body.utf8))
            } catch {
                throw StoreError.corrupt("alert rule: \(error)")
            }
        }
    }

    static func checkIntegrations(of rule: AlertRule, _ db: Database) throws {
        for id in rule.integrationIDs where try Bool.fetchOne(db, sql: "SELECT 1 FROM integration WHERE id = ?", arguments: [id]) != true {
            throw StoreError.unknownIntegration(id)
        }
    }

    public func outbox(integrationID: String?) async throws -> [OutboxEntry] {
        try await pool.read { db in
            let filter = integrationID == nil ? "" : "WHERE integration_id = ?"
            let arguments: StatementArguments = integrationID.map { [$0] } ?? []
            return try Row.fetchAll(
                db, sql: "SELECT event_id, integration_id, created_at FROM outbox \(filter) ORDER BY seq", arguments: arguments
            )
            .map { OutboxEntry(eventID: $0["event_id"], integrationID: $0["integration_id"], createdAt: $0["created_at"]) }
        }
    }
}
