import GRDB
import RelayModel

/// A whole configuration applied in one write transaction.
extension SQLiteStore {
    public func applyConfiguration(_ changes: [ConfigurationChange]) async throws {
        guard !changes.isEmpty else { return }
        try await pool.write { [self] db in
            for change in changes {
                switch change {
                case .addConnector(let config): try addConnector(db, config)
                case .updateConnector(let config): try updateConnector(db, config)
                case .removeConnector(let name): try removeConnector(db, named: name)
                case .addIntegration(let integration): try addIntegration(db, integration)
                case .updateIntegration(let integration): try updateIntegration(db, integration)
                case .removeIntegration(let id): try removeIntegration(db, id: id)
                case .addRule(let rule): try addRule(db, rule)
                case .updateRule(let rule): try updateRule(db, rule)
                case .removeRule(let id): try removeRule(db, id: id)
                }
            }
        }
    }
}
