import Crypto
import RelayModel
import RelayStore

/// The console's sessions, in the store: they survive a restart and are shared by every process on the store.
/// Sessions last eight hours from their last use.
public struct ConsoleSessionService: Sendable {
    let store: any RelayStore
    let clock: @Sendable () -> Int64
    static let lifetime: Int64 = 8 * 3_600_000
    /// A session used again within this long keeps its stored expiry, so a page view does not always write.
    static let renewAfter: Int64 = 60_000

    /// A random token: 256 bits, base64url.
    public static func token() -> String { SymmetricKey(size: .bits256).withUnsafeBytes { Base64URL.encode($0) } }

    /// A new session for a key that just signed in (and lapsed sessions cleared away).
    public func open(keyID: String, keyName: String, role: APIKey.Role) async throws -> ConsoleSession {
        let now = clock()
        try await store.removeConsoleSessions(keyID: nil, expiredBefore: now)
        let session = ConsoleSession(
            id: Self.token(), keyID: keyID, keyName: keyName, role: role, csrf: Self.token(), expiresAt: now + Self.lifetime)
        try await store.saveConsoleSession(session)
        return session
    }

    /// The live session with this id, its lifetime renewed; nil when there is none or it lapsed.
    public func session(_ id: String) async throws -> ConsoleSession? {
        let now = clock()
        guard var session = try await store.consoleSession(id: id) else { return nil }
        guard session.expiresAt > now else {
            try await store.removeConsoleSession(id: id)
            return nil
        }
        if now + Self.lifetime - session.expiresAt >= Self.renewAfter {
            session.expiresAt = now + Self.lifetime
            try await store.saveConsoleSession(session)
        }
        return session
    }

    /// Ends a session.
    public func close(_ id: String) async throws { try await store.removeConsoleSession(id: id) }

    /// Ends every session of a key (it was revoked).
    public func closeAll(keyID: String) async throws { try await store.removeConsoleSessions(keyID: keyID, expiredBefore: 0) }

    /// Leaves a message for the session's next page.
    public func flash(_ id: String, _ kind: String, _ text: String) async throws {
        try await update(id) { $0.flash = .init(kind: kind, text: text) }
    }

    /// The message waiting in `session` (as read for this request), once: it is cleared in the store.
    public func takeFlash(_ session: ConsoleSession) async throws -> ConsoleSession.Flash? {
        guard let flash = session.flash else { return nil }
        try await update(session.id) { $0.flash = nil }
        return flash
    }

    public func keepDraftSecret(_ id: String, form: String, _ secret: String) async throws {
        try await update(id) { $0.draftSecrets[form] = secret }
    }

    public func dropDraftSecret(_ id: String, form: String) async throws {
        try await update(id) { $0.draftSecrets[form] = nil }
    }

    func update(_ id: String, _ change: (inout ConsoleSession) -> Void) async throws {
        guard var session = try await store.consoleSession(id: id) else { return }
        change(&session)
        try await store.saveConsoleSession(session)
    }
}
