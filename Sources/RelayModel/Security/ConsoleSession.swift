/// A signed-in browser: which API key signed in, the CSRF token its forms carry, when it lapses, a message for its
/// next page, and secrets typed into forms answered without saving. Kept in the store, so a restart signs no one
/// out and replicas behind a load balancer share it; the store keeps the id only as a hash and seals the secrets.
public struct ConsoleSession: Sendable, Equatable {
    /// The session cookie's value.
    public var id: String
    public var keyID: String
    public var keyName: String
    /// What the key may do: a read-only key's pages show no forms that change anything.
    public var role: APIKey.Role
    public var csrf: String
    /// Epoch milliseconds.
    public var expiresAt: Int64
    /// A message for the next page (after a redirect): its kind (`ok`, `bad`) and text.
    public var flash: Flash?
    /// Secrets typed into a form that was answered without saving (Test Connection, a validation error), by form (a
    /// connector's name, or "new"): the page shows the mask, and Save still has the secret.
    public var draftSecrets: [String: String]

    public struct Flash: Sendable, Equatable {
        public var kind: String
        public var text: String
        public init(kind: String, text: String) {
            self.kind = kind
            self.text = text
        }
    }

    public init(
        id: String, keyID: String, keyName: String, role: APIKey.Role, csrf: String, expiresAt: Int64, flash: Flash? = nil,
        draftSecrets: [String: String] = [:]
    ) {
        self.id = id
        self.keyID = keyID
        self.keyName = keyName
        self.role = role
        self.csrf = csrf
        self.expiresAt = expiresAt
        self.flash = flash
        self.draftSecrets = draftSecrets
    }
}
