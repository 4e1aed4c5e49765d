/// One step of a configuration applied as a whole (`prisma-relay apply`): a connector, an integration or an alert
/// rule added, changed or removed. A store applies a list of them in one transaction, in the order given.
public enum ConfigurationChange: Sendable, Equatable {
    case addConnector(ConnectorConfig)
    case updateConnector(ConnectorConfig)
    case removeConnector(String)
    case addIntegration(Integration)
    case updateIntegration(Integration)
    /// By id.
    case removeIntegration(String)
    case addRule(AlertRule)
    case updateRule(AlertRule)
    /// By id.
    case removeRule(String)
}
