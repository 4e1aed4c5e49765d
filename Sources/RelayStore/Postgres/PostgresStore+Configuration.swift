import PostgresNIO
import RelayModel

/// A whole configuration applied in one transaction.
extension PostgresStore {
    public func applyConfiguration(_ changes: [ConfigurationChange]) async throws {
        guard !changes.isEmpty else { return }
        try await transaction { [self] connection in
            for change in changes {
                switch change {
                case .addConnector(let config): try await addConnector(connection, config)
                case .updateConnector(let config): try await updateConnector(connection, config)
                case .removeConnector(let name): try await removeConnector(connection, named: name)
                case .addIntegration(let integration): try await addIntegration(connection, integration)
                case .updateIntegration(let integration): try await updateIntegration(connection, integration)
                case .removeIntegration(let id): try await removeIntegration(connection, id: id)
                case .addRule(let rule): try await addRule(connection, rule)
                case .updateRule(let rule): try await updateRule(connection, rule)
                case .removeRule(let id): try await removeRule(connection, id: id)
                }
            }
        }
    }
}
