import Crypto
import Foundation
import GRDB
import RelayModel

/// The console's sessions: a session id is kept only as its SHA-256 (a copy of the database opens no browser
/// session), and secrets typed into unsaved forms are sealed like every other secret.
extension SQLiteStore {
    static func sessionHash(_ id: String) -> String {
        SHA256.hash(data: Data(id.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    public func saveConsoleSession(_ session: ConsoleSession) async throws {
        let hash = Self.sessionHash(session.id)
        let drafts =
            session.draftSecrets.isEmpty
            ? nil
            : try box.seal(
                String(decoding: try Self.encoder.encode(session.draftSecrets), as: UTF8.self), context: "console-session:" + hash)
        try await pool.write { db in
            try db.execute(
                sql: """
                    INSERT OR REPLACE INTO console_session
                        (id_hash, key_id, key_name, role, csrf, expires_at, flash_kind, flash_text, sealed_drafts)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    hash, session.keyID, session.keyName, session.role.rawValue, session.csrf, session.expiresAt, session.flash?.kind,
                    session.flash?.text, drafts,
                ])
        }
    }

    public func consoleSession(id: String) async throws -> ConsoleSession? {
        let hash = Self.sessionHash(id)
        guard
            let row = try await pool.read({ db in
                try Row.fetchOne(db, sql: "SELECT * FROM console_session WHERE id_hash = ?", arguments: [hash])
            })
        else { return nil }
        var drafts: [String: String] = [:]
        if let sealed: Data = row["sealed_drafts"] {
            // Drafts that no longer open (the key was rotated) are dropped: the user types the secret again.
            if let text = box.open(sealed, context: "console-session:" + hash),
                let decoded = try? JSONDecoder().decode([String: String].self, from: Data(text.utf8))
            {
                drafts = decoded
            }
        }
        let kind: String? = row["flash_kind"]
        let text: String? = row["flash_text"]
        return ConsoleSession(
            id: id, keyID: row["key_id"], keyName: row["key_name"], role: APIKey.Role(rawValue: row["role"]) ?? .readOnly,
            csrf: row["csrf"],
            expiresAt: row["expires_at"], flash: kind.flatMap { kind in text.map { ConsoleSession.Flash(kind: kind, text: $0) } },
            draftSecrets: drafts)
    }

    public func removeConsoleSession(id: String) async throws {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM console_session WHERE id_hash = ?", arguments: [Self.sessionHash(id)])
        }
    }

    public func removeConsoleSessions(keyID: String?, expiredBefore: Int64) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "DELETE FROM console_session WHERE key_id = ? OR expires_at < ?", arguments: [keyID ?? "", expiredBefore])
        }
    }
}
