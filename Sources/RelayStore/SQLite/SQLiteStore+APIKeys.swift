import GRDB
import RelayModel

extension SQLiteStore {
    public func addAPIKey(_ key: APIKey) async throws {
        try await pool.write { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM api_key WHERE name = ?", arguments: [key.name]) == true {
                throw StoreError.apiKeyNameExists(key.name)
            }
            try db.execute(
                sql: "INSERT INTO api_key (id, name, secret_hash, created_at, role) VALUES (?, ?, ?, ?, ?)",
                arguments: [key.id, key.name, key.secretHash, key.createdAt, key.role.rawValue])
        }
    }

    public func apiKey(id: String) async throws -> APIKey? {
        try await pool.read { db in try Row.fetchOne(db, sql: "SELECT * FROM api_key WHERE id = ?", arguments: [id]).map(Self.apiKey) }
    }

    public func apiKeys() async throws -> [APIKey] {
        try await pool.read { db in try Row.fetchAll(db, sql: "SELECT * FROM api_key ORDER BY created_at, name").map(Self.apiKey) }
    }

    public func revokeAPIKey(_ idOrName: String, at time: Int64) async throws -> Bool {
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE api_key SET revoked_at = ? WHERE (id = ? OR name = ?) AND revoked_at IS NULL",
                arguments: [time, idOrName, idOrName])
            return db.changesCount > 0
        }
    }

    public func noteAPIKeyUse(id: String, at time: Int64) async throws {
        try await pool.write { db in
            try db.execute(sql: "UPDATE api_key SET last_used_at = ? WHERE id = ?", arguments: [time, id])
        }
    }

    static func apiKey(_ row: Row) -> APIKey {
        APIKey(
            id: row["id"], name: row["name"], secretHash: row["secret_hash"], createdAt: row["created_at"],
            role: APIKey.Role(rawValue: row["role"]) ?? .readOnly, revokedAt: row["revoked_at"], lastUsedAt: row["last_used_at"])
    }
}
