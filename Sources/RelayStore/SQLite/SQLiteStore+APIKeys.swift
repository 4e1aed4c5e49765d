import GRDB
import RelayModel

extension SQLiteStore {
    public func addAPIKey(_ key: APIKey) async throws {
        try await pool.write { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM api_key WHERE name = ?", arguments: [key.name]) == true {
                throw StoreError.apiKeyNameExists(key.name)
            }
            try db.execute(
                sql: "INSERT INTO api_key (id, name, secret_hash, created_at) VALUES (?, ?, ?, ?)",
                arguments: [key.id, key.name, key.secretHash, key.createdAt])
        }
    }

    public func apiKey(id: String) async throws -> APIKey? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM api_key WHERE id = ?", arguments: [id]).map {
                APIKey(id: $0["id"], name: $0["name"], secretHash: $0["secret_hash"], createdAt: $0["created_at"])
            }
        }
    }
}
