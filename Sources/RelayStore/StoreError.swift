/// Why the store refused or failed an operation.
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    case connectorExists(String)
    case unknownConnector(String)
    /// A stored secret could not be decrypted with the key in use.
    case secretUnreadable(connector: String)
    /// The key that encrypts secrets is missing or malformed.
    case badMasterKey(String)
    /// A stored row could not be read back.
    case corrupt(String)

    public var description: String {
        switch self {
        case .connectorExists(let name): "a connector named \"\(name)\" already exists: pick another name or update it"
        case .unknownConnector(let name): "there is no connector named \"\(name)\" (prisma-relay connector list shows them)"
        case .secretUnreadable(let name):
            "the secret of connector \"\(name)\" cannot be decrypted: the key file beside the database (or PRISMA_RELAY_MASTER_KEY) is not the one it was stored with"
        case .badMasterKey(let detail): "the secret encryption key is unusable: \(detail)"
        case .corrupt(let detail): "the database holds a row that cannot be read: \(detail)"
        }
    }
}
