/// Why the store refused or failed an operation.
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    case connectorExists(String)
    case unknownConnector(String)
    case integrationNameExists(String)
    case unknownIntegration(String)
    /// Rules (by name) still send to the integration.
    case integrationInUse(id: String, rules: [String])
    case ruleNameExists(String)
    case apiKeyNameExists(String)
    /// No live API key has this id or name.
    case unknownAPIKey(String)
    case unknownRule(String)
    /// A stored secret could not be decrypted with the key in use.
    case secretUnreadable(connector: String)
    /// The key that encrypts secrets is missing or malformed.
    case badMasterKey(String)
    /// A stored row could not be read back.
    case corrupt(String)
    /// The database location cannot be opened as given.
    case badLocation(String)
    /// A commit carried a lease that another worker has taken over since.
    case leaseLost(connector: String)
    /// The database server cannot be reached or refused the relay (down, restarting, wrong password, TLS).
    case unavailable(String)
    /// The database refused a statement for a reason of its own (a permission, a read-only server): the detail says
    /// which, in the server's words.
    case refused(String)
    /// `db copy` will not copy as asked (the source is in use, the target holds data, a secret does not open).
    case copyRefused(String)
    /// A new event's id is already another finding's (a collision of the digest the id is made of): its page is not
    /// stored, rather than the event passed over as if it were a duplicate.
    case eventIDTaken(String)

    public var description: String {
        switch self {
        case .connectorExists(let name): "a connector named \"\(name)\" already exists: pick another name or update it"
        case .unknownConnector(let name): "there is no connector named \"\(name)\" (prisma-relay connector list shows them)"
        case .integrationNameExists(let name): "an integration named \"\(name)\" already exists: names are unique"
        case .unknownIntegration(let id): "there is no integration with id \(id)"
        case .integrationInUse(let id, let rules):
            "integration \(id) is used by alert rules \(rules.joined(separator: ", ")): remove it from them first"
        case .ruleNameExists(let name): "an alert rule named \"\(name)\" already exists: names are unique"
        case .unknownRule(let id): "there is no alert rule with id \(id)"
        case .apiKeyNameExists(let name): "an API key named \"\(name)\" already exists"
        case .unknownAPIKey(let key): "there is no active API key with the id or name \"\(key)\" (prisma-relay token list shows them)"
        case .secretUnreadable(let name):
            "the secret of connector \"\(name)\" cannot be decrypted: the key file beside the database "
                + "(or PRISMA_RELAY_MASTER_KEY) is not the one it was stored with"
        case .badMasterKey(let detail): "the secret encryption key is unusable: \(detail)"
        case .corrupt(let detail): "the database holds a row that cannot be read: \(detail)"
        case .badLocation(let detail): detail
        case .leaseLost(let connector):
            "the poll of connector \"\(connector)\" lost its lease to another worker: its pages were not stored, "
                + "and that worker's poll collects them"
        case .unavailable(let detail): detail
        case .refused(let detail): detail
        case .copyRefused(let detail): "nothing was copied: \(detail)"
        case .eventIDTaken(let id):
            "a new event was given the id \(id), which another finding's event already has (the digest its id is made of "
                + "collided): its page was not stored, and the poll stops there rather than skip it; please report this"
        }
    }
}
