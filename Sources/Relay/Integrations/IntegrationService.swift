import Delivery
import Foundation
import RelayModel
import RelayStore

/// Adds, changes, lists, tests and removes integrations with seed 003's rules, for the API, the console and the CLI.
public struct IntegrationService: Sendable {
    let store: any RelayStore
    let clock: @Sendable () -> Int64
    /// Sends the test messages.
    let engine: DeliveryEngine

    public init(store: any RelayStore, clock: @escaping @Sendable () -> Int64, engine: DeliveryEngine) {
        self.store = store
        self.clock = clock
        self.engine = engine
    }

    /// What a client sends to add or update an integration (Prisma's `IntegrationModel` fields).
    public struct Draft: Sendable {
        public var name: String?
        public var description: String?
        public var integrationType: String?
        public var integrationConfig: JSONValue?
        public var enabled: Bool?

        /// Reads a request body.
        public init(json: JSONValue) {
            name = json["name"]?.stringValue
            description = json["description"]?.stringValue
            integrationType = json["integrationType"]?.stringValue
            integrationConfig = json["integrationConfig"]
            enabled = json["enabled"]?.boolValue
        }
    }

    /// The integration types, with their schemas, in the order registered.
    public var schemas: [IntegrationSchema] { registry.kinds.map(\.schema) }

    /// A registered type by Prisma's spelling of its name, or `IntegrationError.unknownType`.
    public func type(named name: String) throws -> IntegrationType {
        guard let type = registry.type(prisma: name) else { throw IntegrationError.unknownType(name, known: knownTypes) }
        return type
    }

    /// The schema of a type, or `IntegrationError.unknownType`.
    public func schema(of type: IntegrationType) throws -> IntegrationSchema {
        guard let kind = registry.kind(of: type) else { throw IntegrationError.unknownType(type.rawValue, known: knownTypes) }
        return kind.schema
    }

    /// The name people know a type by.
    public func displayName(of type: IntegrationType) -> String { registry.displayName(of: type) }

    /// The integration's config as responses show it, secrets masked.
    public func masked(_ integration: Integration) -> JSONObject {
        (try? schema(of: integration.type).masked(integration.config)) ?? [:]
    }

    var registry: DestinationRegistry { engine.registry }
    var knownTypes: [String] { registry.types.map(\.rawValue) }

    /// Checks a draft for a new integration without storing it.
    public func check(_ draft: Draft) throws -> (name: String, type: IntegrationType, config: JSONObject) {
        guard let typeName = draft.integrationType, !typeName.isEmpty else { throw IntegrationError.missingType(known: knownTypes) }
        let type = try type(named: typeName)
        let name = (draft.name ?? "").trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, name.count <= 100 else { throw IntegrationError.invalidName }
        let schema = try schema(of: type)
        do {
            return (name, type, try schema.validate(draft.integrationConfig))
        } catch {
            throw IntegrationError.invalidConfig(error)
        }
    }

    /// Validates and stores a new integration.
    public func create(_ draft: Draft, by caller: String) async throws -> Integration {
        let (name, type, config) = try check(draft)
        let integration = Integration(
            id: UUID().uuidString.lowercased(), name: name, description: draft.description ?? "", type: type, config: config,
            enabled: draft.enabled ?? true, createdBy: caller, createdTs: clock())
        do {
            try await store.addIntegration(integration)
        } catch StoreError.integrationNameExists {
            throw IntegrationError.nameExists(name)
        }
        return integration
    }

    /// Applies an update: name, description, enabled and the config, where masked values keep what is stored
    /// and immutable keys refuse to change. The type cannot change.
    public func update(id: String, with draft: Draft, by caller: String) async throws -> Integration {
        var integration = try await updated(id: id, with: draft)
        integration.lastModifiedBy = caller
        integration.lastModifiedTs = clock()
        do {
            try await store.updateIntegration(integration)
        } catch StoreError.integrationNameExists {
            throw IntegrationError.nameExists(integration.name)
        }
        return integration
    }

    /// The integration `id` as `draft` would leave it, checked as an update is (masked values keep what is stored,
    /// a secret goes only where it was given), not stored.
    func updated(id: String, with draft: Draft) async throws -> Integration {
        var integration = try await get(id)
        if let typeName = draft.integrationType, IntegrationType(prisma: typeName) != integration.type {
            throw IntegrationError.typeChange(from: integration.type.rawValue, to: typeName)
        }
        if let name = draft.name {
            let trimmed = name.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty, trimmed.count <= 100 else { throw IntegrationError.invalidName }
            integration.name = trimmed
        }
        if let description = draft.description { integration.description = description }
        if let enabled = draft.enabled { integration.enabled = enabled }
        if let config = draft.integrationConfig {
            let schema = try schema(of: integration.type)
            do {
                integration.config = try schema.merge(update: config, into: integration.config)
            } catch {
                throw IntegrationError.invalidConfig(error)
            }
        }
        return integration
    }

    /// Turns an integration on or off.
    public func setEnabled(id: String, _ enabled: Bool, by caller: String) async throws -> Integration {
        var integration = try await get(id)
        integration.enabled = enabled
        integration.lastModifiedBy = caller
        integration.lastModifiedTs = clock()
        try await store.updateIntegration(integration)
        return integration
    }

    /// The integration with this id, or nil.
    public func find(_ id: String) async throws -> Integration? {
        try await store.integration(id: id)
    }

    /// The integration whose id, or else whose name, is `idOrName` (what people type: lists show names), or
    /// `UnknownReference`.
    public func resolve(_ idOrName: String) async throws -> Integration {
        if let integration = try await store.integration(id: idOrName) { return integration }
        guard let named = try await store.integrations().first(where: { $0.name == idOrName }) else {
            throw UnknownReference(kind: "integration", given: idOrName)
        }
        return named
    }

    /// Each integration's name by its id, for what shows integrations by the name people know them by.
    public func namesByID() async throws -> [String: String] {
        Dictionary(try await store.integrations().map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
    }

    /// One integration, or `IntegrationError.notFound`.
    public func get(_ id: String) async throws -> Integration {
        guard let integration = try await store.integration(id: id) else { throw IntegrationError.notFound(id) }
        return integration
    }

    /// Sends what is due for `integration` now (as `serve` does each round); returns how many rows it settled.
    @discardableResult
    public func deliverDue(_ integration: Integration, limit: Int = 100) async throws -> Int {
        try await engine.deliverDue(integration, limit: limit)
    }

    /// Every integration, optionally of some types, optionally only enabled ones.
    public func list(types: [IntegrationType] = [], onlyEnabled: Bool = false, ids: [String] = []) async throws -> [Integration] {
        try await store.integrations().filter { integration in
            (types.isEmpty || types.contains(integration.type)) && (!onlyEnabled || integration.enabled)
                && (ids.isEmpty || ids.contains(integration.id))
        }
    }

    /// Removes an integration that no rule uses.
    public func delete(_ id: String) async throws {
        do {
            try await store.removeIntegration(id: id)
        } catch StoreError.unknownIntegration {
            throw IntegrationError.notFound(id)
        } catch StoreError.integrationInUse(_, let rules) {
            throw IntegrationError.inUse(id: id, rules: rules)
        }
    }
}

/// Why an integration request was refused, with Prisma's i18n key for each case.
public enum IntegrationError: Error, Equatable, CustomStringConvertible {
    case missingType(known: [String])
    case unknownType(String, known: [String])
    case invalidName
    case nameExists(String)
    case invalidConfig(ConfigErrors)
    case typeChange(from: String, to: String)
    case notFound(String)
    case inUse(id: String, rules: [String])

    /// Prisma's `x-redlock-status` key.
    public var i18nKey: String {
        switch self {
        case .missingType: "missing_integration_type"
        case .unknownType: "invalid_integration_type"
        case .invalidName: "invalid_integration_name"
        case .nameExists: "integration_name_already_exists"
        case .invalidConfig: "invalid_integration_config"
        case .typeChange: "integration_type_immutable"
        case .notFound: "not_found"
        case .inUse: "conflict_deleting_integration"
        }
    }

    /// The sentences for people, one per problem.
    public var messages: [String] {
        switch self {
        case .invalidConfig(let errors): errors.errors.map(\.description)
        default: [description]
        }
    }

    public var description: String {
        switch self {
        case .missingType(let known): "integrationType is required: one of \(known.joined(separator: ", "))"
        case .unknownType(let name, let known): "integrationType \"\(name)\" is not supported: use one of \(known.joined(separator: ", "))"
        case .invalidName: "name is required (at most 100 characters)"
        case .nameExists(let name): "an integration named \"\(name)\" already exists: names are unique"
        case .invalidConfig(let errors): errors.description
        case .typeChange(let from, let to): "integrationType cannot change (\(from) → \(to)): create a new integration"
        case .notFound(let id): "there is no integration with id \(id)"
        case .inUse(let id, let rules):
            "integration \(id) is used by alert rules \(rules.joined(separator: ", ")): remove it from them first"
        }
    }
}
