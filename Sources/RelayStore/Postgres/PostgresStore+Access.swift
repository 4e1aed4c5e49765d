import Foundation
import PostgresNIO
import RelayModel

/// API keys (their secrets only as hashes) and console sessions (ids only as hashes, draft secrets sealed), shared
/// by every replica: a key revoked on one is refused by all, and a browser signed in through one is signed in on all.
extension PostgresStore {
    public func addAPIKey(_ key: APIKey) async throws {
        let added = try await rows(
            """
            INSERT INTO api_key (id, name, secret_hash, created_at, role)
            VALUES (\(key.id), \(key.name), \(key.secretHash), \(key.createdAt), \(key.role.rawValue))
            ON CONFLICT DO NOTHING RETURNING 1 AS added
            """)
        if added.isEmpty { throw StoreError.apiKeyNameExists(key.name) }
    }

    public func apiKey(id: String) async throws -> APIKey? {
        try await rows("SELECT * FROM api_key WHERE id = \(id)").first.map(Self.apiKey)
    }

    public func apiKeys() async throws -> [APIKey] {
        try await rows("SELECT * FROM api_key ORDER BY created_at, name COLLATE \"C\"").map(Self.apiKey)
    }

    public func revokeAPIKey(_ idOrName: String, at time: Int64) async throws -> Bool {
        try await !rows(
            """
            UPDATE api_key SET revoked_at = \(time) WHERE (id = \(idOrName) OR name = \(idOrName)) AND revoked_at IS NULL
            RETURNING 1 AS revoked
            """
        ).isEmpty
    }

    public func noteAPIKeyUse(id: String, at time: Int64) async throws {
        _ = try await rows("UPDATE api_key SET last_used_at = \(time) WHERE id = \(id)")
    }

    static func apiKey(_ row: PostgresRandomAccessRow) throws -> APIKey {
        APIKey(
            id: try row.get("id"), name: try row.get("name"), secretHash: try row.get("secret_hash"), createdAt: try row.get("created_at"),
            role: APIKey.Role(rawValue: try row.get("role")) ?? .readOnly, revokedAt: try row.get("revoked_at"),
            lastUsedAt: try row.get("last_used_at"))
    }

    // MARK: Console sessions

    public func saveConsoleSession(_ session: ConsoleSession) async throws {
        let hash = ConsoleSessionSecrets.hash(session.id)
        let drafts = try ConsoleSessionSecrets.seal(session.draftSecrets, hash: hash, box: box)
        _ = try await rows(
            """
            INSERT INTO console_session (id_hash, key_id, key_name, role, csrf, expires_at, flash_kind, flash_text, sealed_drafts)
            VALUES (\(hash), \(session.keyID), \(session.keyName), \(session.role.rawValue), \(session.csrf), \(session.expiresAt),
                \(session.flash?.kind), \(session.flash?.text), \(drafts))
            ON CONFLICT (id_hash) DO UPDATE SET key_id = EXCLUDED.key_id, key_name = EXCLUDED.key_name, role = EXCLUDED.role,
                csrf = EXCLUDED.csrf, expires_at = EXCLUDED.expires_at, flash_kind = EXCLUDED.flash_kind,
                flash_text = EXCLUDED.flash_text, sealed_drafts = EXCLUDED.sealed_drafts
            """)
    }

    public func consoleSession(id: String) async throws -> ConsoleSession? {
        let hash = ConsoleSessionSecrets.hash(id)
        guard let row = try await rows("SELECT * FROM console_session WHERE id_hash = \(hash)").first else { return nil }
        let drafts = ConsoleSessionSecrets.open(try row.get("sealed_drafts", as: Data?.self), hash: hash, box: box)
        let kind = try row.get("flash_kind", as: String?.self)
        let text = try row.get("flash_text", as: String?.self)
        return ConsoleSession(
            id: id, keyID: try row.get("key_id"), keyName: try row.get("key_name"),
            role: APIKey.Role(rawValue: try row.get("role")) ?? .readOnly, csrf: try row.get("csrf"), expiresAt: try row.get("expires_at"),
            flash: kind.flatMap { kind in text.map { ConsoleSession.Flash(kind: kind, text: $0) } }, draftSecrets: drafts)
    }

    public func removeConsoleSession(id: String) async throws {
        _ = try await rows("DELETE FROM console_session WHERE id_hash = \(ConsoleSessionSecrets.hash(id))")
    }

    public func removeConsoleSessions(keyID: String?, expiredBefore: Int64) async throws {
        _ = try await rows("DELETE FROM console_session WHERE key_id = \(keyID ?? "") OR expires_at < \(expiredBefore)")
    }
}
