import Delivery
import Foundation
import RelayModel
import RelayStore

/// Alert rules — listed, added, replaced, turned on or off and removed here for the API, the console and the CLI,
/// with one set of checks whose errors name the field.
public struct RuleService: Sendable {
    let store: any RelayStore
    /// Which integration types are enrichment sources, which rules cannot send to.
    let registry: DestinationRegistry
    /// Epoch milliseconds now: where a backfill's look-back ends.
    let clock: @Sendable () -> Int64

    public init(
        store: any RelayStore, registry: DestinationRegistry = .standard, clock: @escaping @Sendable () -> Int64 = RelayApp.wallClock
    ) {
        self.store = store
        self.registry = registry
        self.clock = clock
    }

    /// What a caller gives for a rule, before it is checked.
    public struct Draft: Sendable, Equatable {
        public var name: String
        public var description: String?
        public var enabled: Bool
        /// Filter lists by `AlertRule.Filters`' names (`severities`, `modules`, `policyTypes`, `cloudTypes`, …).
        public var filters: [String: [String]]
        /// The transitions that notify: open, resolved, dismissed, snoozed.
        public var notifyOn: [String]
        public var integrationIDs: [String]
        /// high, medium, low or info: the severity an event goes out with at least when the enrichment conditions hold.
        public var raiseSeverityTo: String?

        public init(
            name: String, description: String? = nil, enabled: Bool = true, filters: [String: [String]] = [:],
            notifyOn: [String] = ["open"],
            integrationIDs: [String], raiseSeverityTo: String? = nil
        ) {
            self.name = name
            self.description = description
            self.enabled = enabled
            self.filters = filters
            self.notifyOn = notifyOn
            self.integrationIDs = integrationIDs
            self.raiseSeverityTo = raiseSeverityTo
        }

        /// Reads Prisma's rule body: `filters` as an object of lists, `notifyOn…` flags, and the integrations from
        /// `integrationIDs` or `alertRuleNotificationConfig[].recipients`.
        public init(json body: JSONValue?) throws {
            guard let body, body.objectValue != nil else { throw ConfigErrors([ConfigError(field: "body", "must be a JSON object")]) }
            var errors: [ConfigError] = []
            var filters: [String: [String]] = [:]
            switch body["filters"] {
            case nil, .null?: break
            case .object(let given)?:
                for member in given.members {
                    let key = member.key
                    guard let list = member.value.arrayValue, list.allSatisfy({ $0.stringValue != nil }) else {
                        errors.append(ConfigError(field: "filters.\(key)", "must be a list of strings"))
                        continue
                    }
                    filters[key] = list.compactMap(\.stringValue)
                }
            default:
                errors.append(ConfigError(field: "filters", "must be an object of lists (severities, modules, policyTypes, cloudTypes, …)"))
            }
            var integrations = body["integrationIDs"]?.arrayValue?.compactMap(\.stringValue) ?? []
            for config in body["alertRuleNotificationConfig"]?.arrayValue ?? [] {
                integrations += config["recipients"]?.arrayValue?.compactMap(\.stringValue) ?? []
            }
            guard errors.isEmpty else { throw ConfigErrors(errors) }
            let flags = [
                ("open", "notifyOnOpen", true), ("resolved", "notifyOnResolved", false), ("dismissed", "notifyOnDismissed", false),
                ("snoozed", "notifyOnSnoozed", false),
            ]
            self.init(
                name: body["name"]?.stringValue ?? "", description: body["description"]?.stringValue,
                enabled: body["enabled"]?.boolValue ?? true, filters: filters,
                notifyOn: flags.filter { body[$0.1]?.boolValue ?? $0.2 }.map(\.0), integrationIDs: integrations,
                raiseSeverityTo: body["raiseSeverityTo"]?.stringValue)
        }
    }

    /// The transitions a rule can notify on.
    public static let transitions = ["open", "resolved", "dismissed", "snoozed"]

    /// Checks a draft and makes it a rule with `id`; every problem is reported at once, by field.
    public static func rule(from draft: Draft, id: String) throws -> AlertRule {
        var errors: [ConfigError] = []
        let name = draft.name.trimmingCharacters(in: .whitespaces)
        if name.isEmpty || name.count > 100 { errors.append(ConfigError(field: "name", "is required (at most 100 characters)")) }
        var filters = AlertRule.Filters()
        for (key, values) in draft.filters.sorted(by: { $0.key < $1.key }) {
            let values = values.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            // Each value read by `make`; one that does not read is named with what it may be.
            func read<T>(_ make: (String) -> T?, _ expected: String) -> [T] {
                values.compactMap { value in
                    guard let read = make(value) else {
                        errors.append(ConfigError(field: "filters.\(key)", "\(value) is not \(expected)"))
                        return nil
                    }
                    return read
                }
            }
            switch key {
            case "severities": filters.severities = read({ Severity(rawValue: $0.lowercased()) }, "high, medium, low or info")
            case "modules": filters.modules = read({ Module(rawValue: $0.uppercased()) }, "CSPM, CWPP, CIEM or DSPM")
            case "originalSeverities": filters.originalSeverities = values
            case "policyTypes": filters.policyTypes = values
            case "policyNames": filters.policyNames = values
            case "policyLabels": filters.policyLabels = values
            case "cloudTypes": filters.cloudTypes = values
            case "accountIDs": filters.accountIDs = values
            case "regions": filters.regions = values
            case "complianceStandards": filters.complianceStandards = values
            case "connectors": filters.connectors = values
            case "enrichment": filters.enrichment = read({ EnrichmentCondition(rawValue: $0.lowercased()) }, EnrichmentCondition.names)
            case "kinds":
                filters.kinds = read(
                    { EventKind(rawValue: $0.lowercased()).flatMap { $0 == .heartbeat ? nil : $0 } }, "alert, incident, audit or health")
            case "auditActions": filters.auditActions = values
            case "auditUsers": filters.auditUsers = values
            case "auditResults": filters.auditResults = values.map { $0.lowercased() }
            case "auditTypes":
                let logs = [NormalizedEvent.Audit.tenantLog] + ComputeAuditStream.allCases.map(\.rawValue)
                filters.auditTypes = read({ logs.contains($0.lowercased()) ? $0.lowercased() : nil }, logs.joined(separator: ", "))
            default:
                errors.append(
                    ConfigError(
                        field: "filters.\(key)",
                        "is not a filter: use severities, originalSeverities, modules, policyTypes, policyNames, policyLabels, cloudTypes, accountIDs, regions, complianceStandards, connectors, enrichment, kinds, auditActions, auditUsers, auditResults or auditTypes"
                    ))
            }
        }
        for (key, given) in [
            ("auditActions", filters.auditActions), ("auditUsers", filters.auditUsers), ("auditResults", filters.auditResults),
            ("auditTypes", filters.auditTypes),
        ]
        where !given.isEmpty && !filters.kinds.contains(.audit) {
            errors.append(ConfigError(field: "filters.\(key)", "only matches audit records: add audit to filters.kinds"))
        }
        let notifyOn = Set(draft.notifyOn.map { $0.lowercased() })
        for unknown in notifyOn.subtracting(transitions).sorted() {
            errors.append(ConfigError(field: "notifyOn", "\(unknown) is not open, resolved, dismissed or snoozed"))
        }
        if draft.integrationIDs.isEmpty { errors.append(ConfigError(field: "integrationIDs", "name at least one integration id")) }
        var raise: Severity?
        if let text = draft.raiseSeverityTo?.trimmingCharacters(in: .whitespaces).lowercased(), !text.isEmpty {
            raise = Severity(rawValue: text)
            if raise == nil { errors.append(ConfigError(field: "raiseSeverityTo", "\(text) is not high, medium, low or info")) }
            if filters.enrichment.isEmpty {
                errors.append(
                    ConfigError(
                        field: "raiseSeverityTo",
                        "needs filters.enrichment: a rule raises an event's severity when its enrichment shows something (\(EnrichmentCondition.names))"
                    ))
            }
        }
        guard errors.isEmpty else { throw ConfigErrors(errors) }
        return AlertRule(
            id: id, name: name, description: draft.description, enabled: draft.enabled, filters: filters,
            notifyOnOpen: notifyOn.contains("open"), notifyOnResolved: notifyOn.contains("resolved"),
            notifyOnDismissed: notifyOn.contains("dismissed"), notifyOnSnoozed: notifyOn.contains("snoozed"),
            integrationIDs: draft.integrationIDs, raiseSeverityTo: raise)
    }

    /// An enrichment source (Okta, Qualys, Tenable) receives nothing: a rule naming one is refused with why.
    func refuseSources(_ rule: AlertRule) async throws {
        var errors: [ConfigError] = []
        for id in rule.integrationIDs {
            guard let integration = try await store.integration(id: id), registry.kind(of: integration.type)?.enrich != nil else {
                continue
            }
            errors.append(
                ConfigError(
                    field: "integrationIDs",
                    "\(id) (\(integration.name)) is an enrichment source (\(registry.displayName(of: integration.type))): it adds what it knows to events sent elsewhere and receives none, so name a destination"
                ))
        }
        guard errors.isEmpty else { throw ConfigErrors(errors) }
    }

    /// Every rule by name, optionally only enabled (or only disabled) ones.
    public func list(enabled: Bool? = nil) async throws -> [AlertRule] {
        try await store.rules().filter { enabled == nil || $0.enabled == enabled }
    }

    /// The rule with this id, or nil.
    public func find(_ id: String) async throws -> AlertRule? {
        try await store.rule(id: id)
    }

    /// The rule whose id, or else whose name, is `idOrName`, or `UnknownReference`.
    public func resolve(_ idOrName: String) async throws -> AlertRule {
        if let rule = try await store.rule(id: idOrName) { return rule }
        guard let named = try await store.rules().first(where: { $0.name == idOrName }) else {
            throw UnknownReference(kind: "alert rule", given: idOrName)
        }
        return named
    }

    /// One rule, or `StoreError.unknownRule`.
    public func get(_ id: String) async throws -> AlertRule {
        guard let rule = try await store.rule(id: id) else { throw StoreError.unknownRule(id) }
        return rule
    }

    /// Checks and stores a new rule; every integration it names must exist.
    public func create(_ draft: Draft) async throws -> AlertRule {
        let rule = try Self.rule(from: draft, id: UUID().uuidString.lowercased())
        try await refuseSources(rule)
        try await store.addRule(rule)
        return rule
    }

    /// Checks a draft and replaces the rule `id` with it.
    public func replace(id: String, with draft: Draft) async throws -> AlertRule {
        _ = try await get(id)
        let rule = try Self.rule(from: draft, id: id)
        try await refuseSources(rule)
        try await store.updateRule(rule)
        return rule
    }

    /// Turns a rule on or off.
    public func setEnabled(id: String, _ enabled: Bool) async throws -> AlertRule {
        var rule = try await get(id)
        rule.enabled = enabled
        try await store.updateRule(rule)
        return rule
    }

    /// Removes a rule: new events stop going where it sent them; deliveries already queued still go out.
    public func delete(_ id: String) async throws {
        try await store.removeRule(id: id)
    }
}
