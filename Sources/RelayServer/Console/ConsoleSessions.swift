import Crypto
import Foundation
import RelayModel

/// A signed-in browser: which API key signed in, the CSRF token its forms carry, and when it lapses.
public struct ConsoleSession: Sendable {
    public var id: String
    public var keyID: String
    public var keyName: String
    /// What the key may do: a read-only key's pages show no forms that change anything.
    public var role: APIKey.Role
    public var csrf: String
    public var expiresAt: Int64
}

/// The console's sessions, kept in memory: a restart of `serve` signs everyone out. Sessions last eight hours from
/// their last use.
public actor ConsoleSessions {
    private var sessions: [String: ConsoleSession] = [:]
    /// A secret typed into a form that was answered without saving (Test Connection, a validation error), so the page
    /// can show the mask instead of the secret and Save still has it; by session, then by form (a connector's name,
    /// or "new").
    private var draftSecrets: [String: [String: String]] = [:]
    /// A message for a session's next page (after a redirect).
    private var flashes: [String: (kind: String, text: String)] = [:]
    let clock: @Sendable () -> Int64
    static let lifetime: Int64 = 8 * 3_600_000

    public init(clock: @escaping @Sendable () -> Int64) { self.clock = clock }

    /// A random token: 256 bits, base64url.
    static func token() -> String { SymmetricKey(size: .bits256).withUnsafeBytes { Base64URL.encode($0) } }

    func open(keyID: String, keyName: String, role: APIKey.Role) -> ConsoleSession {
        let now = clock()
        for (id, session) in sessions where session.expiresAt <= now { close(id) }
        let session = ConsoleSession(
            id: Self.token(), keyID: keyID, keyName: keyName, role: role, csrf: Self.token(), expiresAt: now + Self.lifetime)
        sessions[session.id] = session
        return session
    }

    /// The live session with this id, its lifetime renewed.
    func session(_ id: String) -> ConsoleSession? {
        let now = clock()
        guard var session = sessions[id], session.expiresAt > now else {
            sessions[id] = nil
            return nil
        }
        session.expiresAt = now + Self.lifetime
        sessions[id] = session
        return session
    }

    /// Closes every session of a key (it was revoked).
    func closeAll(keyID: String) {
        for (id, session) in sessions where session.keyID == keyID { close(id) }
    }

    func close(_ id: String) {
        sessions[id] = nil
        flashes[id] = nil
        draftSecrets[id] = nil
    }

    func flash(_ id: String, _ kind: String, _ text: String) { flashes[id] = (kind, text) }

    func keepDraftSecret(_ id: String, form: String, _ secret: String) { draftSecrets[id, default: [:]][form] = secret }
    func draftSecret(_ id: String, form: String) -> String? { draftSecrets[id]?[form] }
    func dropDraftSecret(_ id: String, form: String) { draftSecrets[id]?[form] = nil }

    /// The waiting message, once.
    func takeFlash(_ id: String) -> (kind: String, text: String)? {
        defer { flashes[id] = nil }
        return flashes[id]
    }
}

/// Constant-time comparison of two tokens.
func sameToken(_ a: String, _ b: String) -> Bool {
    let x = Array(a.utf8)
    let y = Array(b.utf8)
    guard x.count == y.count, !x.isEmpty else { return false }
    return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
}
