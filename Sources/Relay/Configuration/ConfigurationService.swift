import Delivery
import Foundation
import RelayModel
import RelayStore

/// Configuration as code (`prisma-relay apply`, `prisma-relay export`): a file declaring the relay's settings,
/// connectors, integrations (with Prisma's own `integrationConfig` keys) and alert rules is checked whole, compared
/// with what is stored — a plan of what is added, changed and removed, secrets said to be changed or unchanged, never
/// shown — and applied in one transaction. Secrets are never in the file: `${env:NAME}` and `${file:/path}` stand
/// for them.
public struct ConfigurationService: Sendable {
    let app: RelayApp

    /// What applying a file would do.
    public struct Plan: Sendable, Equatable, CustomStringConvertible {
        public struct Entry: Sendable, Equatable {
            public enum Action: String, Sendable {
                case add = "+"
                case change = "~"
                case remove = "-"
            }
            public var action: Action
            /// `connector prod`, `integration soc-hook`, `rule high to soc`.
            public var what: String
            /// For a change, one line per field: `intervalSeconds: 300 → 900`, `secretKey: changed`.
            public var details: [String]
        }

        public var entries: [Entry]
        /// The file's `settings:`, as the environment variables they stand for: `serve --config` starts with them.
        public var settings: [String: String] = [:]
        /// The store's steps, in an order that meets references (integrations before the rules that name them).
        public var changes: [ConfigurationChange]

        public var isEmpty: Bool { changes.isEmpty }

        public var description: String {
            var lines: [String] = []
            if !settings.isEmpty {
                lines.append(
                    "Settings: \(settings.count) read by serve --config when it starts (options and environment variables take precedence); apply does not store them."
                )
            }
            guard !entries.isEmpty else {
                return (lines + ["No changes: the relay already runs this configuration."]).joined(separator: "\n")
            }
            for entry in entries {
                lines.append("\(entry.action.rawValue) \(entry.what)")
                lines += entry.details.map { "    \($0)" }
            }
            let counts = [Entry.Action.add, .change, .remove].map { action in entries.filter { $0.action == action }.count }
            lines.append("Plan: \(counts[0]) to add, \(counts[1]) to change, \(counts[2]) to remove.")
            return lines.joined(separator: "\n")
        }
    }

    /// Where `${env:…}` and `${file:…}` are read from.
    public struct References: Sendable {
        public var environment: [String: String]
        public var readFile: @Sendable (String) -> String?

        public init(environment: [String: String], readFile: @escaping @Sendable (String) -> String?) {
            self.environment = environment
            self.readFile = readFile
        }

        /// This process's environment and files (a file's trailing newline is not part of the secret).
        public static var process: References {
            References(environment: ProcessInfo.processInfo.environment) { path in
                FileManager.default.contents(atPath: path).map {
                    String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .newlines)
                }
            }
        }
    }

    static let topKeys = ["settings", "connectors", "integrations", "rules"]
    static let connectorKeys = [
        "name", "type", "apiURL", "accessKeyID", "secretKey", "intervalSeconds", "statuses", "lookbackSeconds", "overlapSeconds",
        "pageSize", "alertPath", "timeField", "includeAcknowledged", "includeIncidents", "includeAuditLogs", "runtimeAudits", "computeURL",
        "enabled", "allowActions", "staleAfterPolls",
        "quietAfterSeconds", "proxy", "caCertificates", "proxyUsername", "proxyPassword",
    ]
    static let integrationKeys = ["name", "integrationType", "description", "enabled", "integrationConfig"]
    static let ruleKeys = ["name", "description", "enabled", "filters", "notifyOn", "integrations", "raiseSeverityTo"]

    /// Checks `document` whole and compares it with what is stored. With `prune`, what the file does not name is
    /// removed. Throws `ConfigurationFileError` naming every problem with its line and field; nothing is changed.
    public func plan(_ document: ConfigurationDocument, references: References = .process, prune: Bool = false) async throws -> Plan {
        var reader = Reader(document: document, references: references, now: app.clock())
        let root = document.root
        guard root.objectValue != nil else {
            throw ConfigurationFileError(
                file: document.file, [document.problem("", "must be a mapping with connectors, integrations and rules")])
        }
        reader.refuseUnknown(root, path: "", allowed: Self.topKeys)
        let settings = reader.settings(root["settings"])
        let connectors = reader.connectors(root["connectors"])
        let storedIntegrations = try await app.store.integrations()
        let integrations = reader.integrations(root["integrations"], stored: storedIntegrations, schemas: app.integrations)
        // Rules name integrations: those of the file, and the stored ones the file keeps.
        var ids: [String: (id: String, isSource: Bool)] = [:]
        if !prune {
            for integration in storedIntegrations {
                ids[integration.name] = (integration.id, app.deliveryEngine.registry.kind(of: integration.type)?.enrich != nil)
            }
        }
        for integration in integrations {
            ids[integration.name] = (integration.id, app.deliveryEngine.registry.kind(of: integration.type)?.enrich != nil)
        }
        let storedRules = try await app.store.rules()
        let rules = reader.rules(root["rules"], stored: storedRules, integrations: ids)
        guard reader.problems.isEmpty else { throw ConfigurationFileError(file: document.file, reader.problems) }
        var plan = try await compare(connectors: connectors, integrations: integrations, rules: rules, prune: prune)
        plan.settings = settings
        return plan
    }

    /// The `settings:` of `document` as the environment variables they stand for, each checked; `serve --config`
    /// reads them before it starts anything.
    public static func settings(of document: ConfigurationDocument, references: References = .process) throws(ConfigurationFileError)
        -> [String: String]
    {
        var reader = Reader(document: document, references: references, now: 0)
        let settings = reader.settings(document.root["settings"])
        guard reader.problems.isEmpty else { throw ConfigurationFileError(file: document.file, reader.problems) }
        return settings
    }

    /// Applies a plan in one transaction.
    public func apply(_ plan: Plan) async throws {
        try await app.store.applyConfiguration(plan.changes)
    }

    // MARK: - Comparing with what is stored

    func compare(connectors: [ConnectorConfig], integrations: [Integration], rules: [AlertRule], prune: Bool) async throws -> Plan {
        var entries: [Plan.Entry] = []
        var removeRules: [ConfigurationChange] = []
        var putIntegrations: [ConfigurationChange] = []
        var putConnectors: [ConfigurationChange] = []
        var putRules: [ConfigurationChange] = []
        var removeIntegrations: [ConfigurationChange] = []
        var removeConnectors: [ConfigurationChange] = []

        let storedConnectors = try await app.store.connectors()
        for config in connectors {
            guard let stored = storedConnectors.first(where: { $0.name == config.name }) else {
                entries.append(.init(action: .add, what: "connector \(config.name)", details: []))
                putConnectors.append(.addConnector(config))
                continue
            }
            var details = Self.differences(Self.json(stored), Self.json(config))
            if stored.secretKey != config.secretKey { details.append("secretKey: changed") }
            if stored.proxyPassword != config.proxyPassword { details.append("proxyPassword: changed") }
            guard !details.isEmpty else { continue }
            entries.append(.init(action: .change, what: "connector \(config.name)", details: details))
            putConnectors.append(.updateConnector(config))
        }
        if prune {
            for stored in storedConnectors where !connectors.contains(where: { $0.name == stored.name }) {
                entries.append(
                    .init(action: .remove, what: "connector \(stored.name)", details: ["its cursor goes; the events it collected stay"]))
                removeConnectors.append(.removeConnector(stored.name))
            }
        }

        let storedIntegrations = try await app.store.integrations()
        for integration in integrations {
            guard let stored = storedIntegrations.first(where: { $0.id == integration.id }) else {
                entries.append(.init(action: .add, what: "integration \(integration.name)", details: []))
                putIntegrations.append(.addIntegration(integration))
                continue
            }
            let schema = try app.integrations.schema(of: integration.type)
            var details: [String] = []
            if stored.description != integration.description {
                details.append("description: \(Self.quoted(stored.description)) → \(Self.quoted(integration.description))")
            }
            if stored.enabled != integration.enabled { details.append("enabled: \(stored.enabled) → \(integration.enabled)") }
            let (old, new) = (schema.masked(stored.config), schema.masked(integration.config))
            for key in Self.keys(stored.config, integration.config) where stored.config[key] != integration.config[key] {
                let field = schema.field(key)
                if field?.secret == true || old[key] == new[key] {
                    // The values differ where they are masked: a secret, or the token in a URL.
                    details.append("integrationConfig.\(key): changed")
                } else {
                    details.append("integrationConfig.\(key): \(Self.shown(old[key])) → \(Self.shown(new[key]))")
                }
            }
            guard !details.isEmpty else { continue }
            entries.append(.init(action: .change, what: "integration \(integration.name)", details: details))
            putIntegrations.append(.updateIntegration(integration))
        }

        let storedRules = try await app.store.rules()
        for rule in rules {
            guard let stored = storedRules.first(where: { $0.id == rule.id }) else {
                entries.append(.init(action: .add, what: "rule \(rule.name)", details: []))
                putRules.append(.addRule(rule))
                continue
            }
            let details = Self.differences(Self.json(stored), Self.json(rule))
            guard !details.isEmpty else { continue }
            entries.append(.init(action: .change, what: "rule \(rule.name)", details: details))
            putRules.append(.updateRule(rule))
        }
        if prune {
            for stored in storedRules where !rules.contains(where: { $0.id == stored.id }) {
                entries.append(.init(action: .remove, what: "rule \(stored.name)", details: []))
                removeRules.append(.removeRule(stored.id))
            }
            for stored in storedIntegrations where !integrations.contains(where: { $0.id == stored.id }) {
                entries.append(
                    .init(action: .remove, what: "integration \(stored.name)", details: ["events still queued for it are not sent"]))
                removeIntegrations.append(.removeIntegration(stored.id))
            }
        }
        return Plan(
            entries: entries,
            changes: removeRules + putIntegrations + putConnectors + putRules + removeIntegrations + removeConnectors)
    }

    /// `key: old → new` for each top-level key whose value differs.
    static func differences(_ old: JSONObject, _ new: JSONObject) -> [String] {
        keys(old, new).compactMap { key in
            old[key] == new[key] ? nil : "\(key): \(shown(old[key])) → \(shown(new[key]))"
        }
    }

    static func keys(_ a: JSONObject, _ b: JSONObject) -> [String] {
        var keys = a.map(\.key)
        for member in b where !keys.contains(member.key) { keys.append(member.key) }
        return keys
    }

    static func shown(_ value: JSONValue?) -> String {
        guard let value, value != .null else { return "(none)" }
        return value.stringValue.map(quoted) ?? value.jsonString()
    }

    static func quoted(_ text: String) -> String { "\"\(text)\"" }

    /// A value's stored fields as JSON, keys in a stable order and empty lists left out (a connector's without its
    /// secret; a rule's without its id).
    static func json<T: Encodable>(_ value: T) -> JSONObject {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value), let parsed = try? JSONValue.parse(Array(data)),
            case .object(var object) = withoutEmptyLists(parsed)
        else { return [:] }
        object["id"] = nil
        return object
    }

    static func withoutEmptyLists(_ value: JSONValue) -> JSONValue {
        guard case .object(let object) = value else { return value }
        var out = JSONObject()
        for member in object where member.value.arrayValue?.isEmpty != true { out[member.key] = withoutEmptyLists(member.value) }
        return .object(out)
    }
}
