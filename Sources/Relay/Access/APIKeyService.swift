import Crypto
import Foundation
import RelayModel
import RelayStore

/// The relay's API keys — made, listed and revoked here for the CLI, the API and the console alike.
public struct APIKeyService: Sendable {
    let store: any RelayStore
    let clock: @Sendable () -> Int64

    init(store: any RelayStore, clock: @escaping @Sendable () -> Int64) {
        self.store = store
        self.clock = clock
    }

    /// A new key; its secret is returned this once and kept only as a hash.
    public func create(name: String, role: APIKey.Role) async throws -> (key: APIKey, secret: String) {
        let name = name.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, name.count <= 100 else {
            throw ConfigErrors([ConfigError(field: "name", "is required: up to 100 characters naming who or what uses the key")])
        }
        let (key, secret) = Self.newKey(name: name, role: role, now: clock())
        try await store.addAPIKey(key)
        return (key, secret)
    }

    /// Every key, revoked ones included.
    public func list() async throws -> [APIKey] { try await store.apiKeys() }

    /// Revokes the key with this id or name: its secret, JWTs and console sessions stop working at once.
    public func revoke(_ idOrName: String) async throws {
        guard try await store.revokeAPIKey(idOrName, at: clock()) else { throw StoreError.unknownAPIKey(idOrName) }
    }

    /// The key with this access key id (revoked or not), or nil.
    public func key(id: String) async throws -> APIKey? {
        try await store.apiKey(id: id)
    }

    /// Records that a key was accepted at `time`.
    public func noteUse(id: String, at time: Int64) async throws {
        try await store.noteAPIKeyUse(id: id, at: time)
    }

    /// A new access key pair: the secret is returned once and stored only as its hash.
    public static func newKey(name: String, role: APIKey.Role = .admin, now: Int64) -> (key: APIKey, secret: String) {
        let id = UUID().uuidString.lowercased()
        let secret = SymmetricKey(size: .bits256).withUnsafeBytes { Base64URL.encode($0) }
        return (APIKey(id: id, name: name, secretHash: hash(secret), createdAt: now, role: role), secret)
    }

    /// The hex SHA-256 a secret is kept as.
    public static func hash(_ secret: String) -> String {
        Hex.string(SHA256.hash(data: Data(secret.utf8)))
    }

    /// A key as the API and `token list --json` show it: never its hash.
    public static func publicJSON(_ key: APIKey) -> JSONValue {
        .object([
            "id": .string(key.id), "name": .string(key.name), "role": .string(key.role.rawValue),
            "status": .string(key.revokedAt == nil ? "active" : "revoked"),
            "createdAt": .string(Timestamp.rfc3339(epochMilliseconds: key.createdAt)),
            "lastUsedAt": .optional(key.lastUsedAt.map(Timestamp.rfc3339(epochMilliseconds:))),
            "revokedAt": .optional(key.revokedAt.map(Timestamp.rfc3339(epochMilliseconds:))),
        ])
    }
}
