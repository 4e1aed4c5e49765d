import Crypto
import Foundation
import GRDB
import RelayModel

/// The console's sessions, their secrets kept as `ConsoleSessionSecrets` says.
extension SQLiteStore {
    public func saveConsoleSession(_ session: ConsoleSession) async throws {
        let hash = ConsoleSessionSecrets.hash(session.id)
        let drafts = try ConsoleSessionSecrets.seal(session.draftSecrets, hash: hash, box: box)
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
        let hash = ConsoleSessionSecrets.hash(id)
        // Read into a session inside the closure: a `Row` is not `Sendable`, and returning one would take GRDB's
        // blocking `read` on this cooperative thread instead of its asynchronous one.
        return try await pool.read { [box] db -> ConsoleSession? in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM console_session WHERE id_hash = ?", arguments: [hash]) else {
                return nil
            }
            let kind: String? = row["flash_kind"]
            let text: String? = row["flash_text"]
            return ConsoleSession(
                id: id, keyID: row["key_id"], keyName: row["key_name"], role: APIKey.Role(rawValue: row["role"]) ?? .readOnly,
                csrf: row["csrf"], expiresAt: row["expires_at"],
                flash: kind.flatMap { kind in text.map { ConsoleSession.Flash(kind: kind, text: $0) } },
                draftSecrets: ConsoleSessionSecrets.open(row["sealed_drafts"], hash: hash, box: box))
        }
    }

    public func removeConsoleSession(id: String) async throws {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM console_session WHERE id_hash = ?", arguments: [ConsoleSessionSecrets.hash(id)])
        }
    }

    public func removeConsoleSessions(keyID: String?, expiredBefore: Int64) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "DELETE FROM console_session WHERE key_id = ? OR expires_at < ?", arguments: [keyID ?? "", expiredBefore])
        }
    }
}
