/// A configured destination, in Prisma's `IntegrationModel` terms. `config` is validated and holds the secrets
/// in clear: it is sealed at rest and masked in every response.
public struct Integration: Sendable, Equatable {
    public var id: String
    public var name: String
    public var description: String
    public var type: IntegrationType
    public var config: JSONObject
    public var enabled: Bool
    public var createdBy: String
    /// Epoch milliseconds.
    public var createdTs: Int64
    public var lastModifiedBy: String
    public var lastModifiedTs: Int64

    public init(
        id: String, name: String, description: String = "", type: IntegrationType, config: JSONObject, enabled: Bool = true,
        createdBy: String, createdTs: Int64, lastModifiedBy: String? = nil, lastModifiedTs: Int64? = nil
    ) {
        self.id = id
        self.name = name
        self.description = description
        self.type = type
        self.config = config
        self.enabled = enabled
        self.createdBy = createdBy
        self.createdTs = createdTs
        self.lastModifiedBy = lastModifiedBy ?? createdBy
        self.lastModifiedTs = lastModifiedTs ?? createdTs
    }
}
