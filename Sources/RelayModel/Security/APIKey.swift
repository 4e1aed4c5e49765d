/// An access key of the relay's own API: the id is public, the secret is kept only as a SHA-256 hash.
public struct APIKey: Sendable, Equatable {
    /// What a key may do: `admin` everything; `read-only` read events, statuses and configuration (masked), and
    /// change nothing.
    public enum Role: String, Sendable, CaseIterable {
        case admin
        case readOnly = "read-only"
    }

    public var id: String
    public var name: String
    /// Hex SHA-256 of the secret.
    public var secretHash: String
    public var createdAt: Int64
    public var role: Role
    /// When it was revoked: from then on its secret, its JWTs and its console sessions are refused.
    public var revokedAt: Int64?
    /// When it was last accepted (recorded at most once a minute).
    public var lastUsedAt: Int64?
    public init(
        id: String, name: String, secretHash: String, createdAt: Int64, role: Role = .admin, revokedAt: Int64? = nil,
        lastUsedAt: Int64? = nil
    ) {
        self.id = id
        self.name = name
        self.secretHash = secretHash
        self.createdAt = createdAt
        self.role = role
        self.revokedAt = revokedAt
        self.lastUsedAt = lastUsedAt
    }
}
