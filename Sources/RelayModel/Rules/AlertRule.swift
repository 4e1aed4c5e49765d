/// Prisma's alert rule, reduced to what routing needs: which events (filters), on which transitions, go to
/// which integrations.
public struct AlertRule: Sendable, Equatable, Codable {
    /// What an event must have to match. An empty list matches anything; values in one list are alternatives
    /// (OR), and every non-empty list must be met (AND). Text compares case-insensitively.
    public struct Filters: Sendable, Equatable, Codable {
        public var severities: [Severity] = []
        /// Prisma's own tiers: critical, high, medium, low, informational.
        public var originalSeverities: [String] = []
        public var modules: [Module] = []
        public var policyTypes: [String] = []
        public var policyNames: [String] = []
        public var policyLabels: [String] = []
        public var cloudTypes: [String] = []
        public var accountIDs: [String] = []
        public var regions: [String] = []
        public var complianceStandards: [String] = []
        /// Connector names.
        public var connectors: [String] = []
        /// What the event's enrichment must show (one of them): checked as the event is delivered.
        public var enrichment: [EnrichmentCondition] = []
        /// The kinds of event: empty means alerts, incidents and health events — audit records only when named.
        public var kinds: [EventKind] = []
        /// An audit record's action (LOGIN, CREATE, READ, UPDATE, DELETE; a Compute audit's attack type or operation),
        /// user, result (success, failure; a Compute audit's effect: block, alert, denied, …) and audit log (`cspm`,
        /// or a Compute stream: container, waas, admission, …).
        public var auditActions: [String] = []
        public var auditUsers: [String] = []
        public var auditResults: [String] = []
        public var auditTypes: [String] = []

        public init() {}

        enum CodingKeys: String, CodingKey {
            case severities, originalSeverities, modules, policyTypes, policyNames, policyLabels, cloudTypes, accountIDs
            case regions, complianceStandards, connectors, enrichment, kinds, auditActions, auditUsers, auditResults, auditTypes
        }

        /// Every list is optional in JSON; a missing one matches anything.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            severities = try c.decodeIfPresent([Severity].self, forKey: .severities) ?? []
            originalSeverities = try c.decodeIfPresent([String].self, forKey: .originalSeverities) ?? []
            modules = try c.decodeIfPresent([Module].self, forKey: .modules) ?? []
            policyTypes = try c.decodeIfPresent([String].self, forKey: .policyTypes) ?? []
            policyNames = try c.decodeIfPresent([String].self, forKey: .policyNames) ?? []
            policyLabels = try c.decodeIfPresent([String].self, forKey: .policyLabels) ?? []
            cloudTypes = try c.decodeIfPresent([String].self, forKey: .cloudTypes) ?? []
            accountIDs = try c.decodeIfPresent([String].self, forKey: .accountIDs) ?? []
            regions = try c.decodeIfPresent([String].self, forKey: .regions) ?? []
            complianceStandards = try c.decodeIfPresent([String].self, forKey: .complianceStandards) ?? []
            connectors = try c.decodeIfPresent([String].self, forKey: .connectors) ?? []
            enrichment = try c.decodeIfPresent([EnrichmentCondition].self, forKey: .enrichment) ?? []
            kinds = try c.decodeIfPresent([EventKind].self, forKey: .kinds) ?? []
            auditActions = try c.decodeIfPresent([String].self, forKey: .auditActions) ?? []
            auditUsers = try c.decodeIfPresent([String].self, forKey: .auditUsers) ?? []
            auditResults = try c.decodeIfPresent([String].self, forKey: .auditResults) ?? []
            auditTypes = try c.decodeIfPresent([String].self, forKey: .auditTypes) ?? []
        }
    }

    public var id: String
    public var name: String
    public var description: String?
    public var enabled: Bool
    public var filters: Filters
    /// Notify when an alert opens (default), resolves, is dismissed or snoozed.
    public var notifyOnOpen: Bool
    public var notifyOnResolved: Bool
    public var notifyOnDismissed: Bool
    public var notifyOnSnoozed: Bool
    /// The integrations that receive the matching events.
    public var integrationIDs: [String]
    /// When the rule's enrichment conditions hold, the event goes out at least this severe (its `severity` raised;
    /// Prisma's `original_severity` is kept).
    public var raiseSeverityTo: Severity?

    public init(
        id: String, name: String, description: String? = nil, enabled: Bool = true, filters: Filters = Filters(),
        notifyOnOpen: Bool = true, notifyOnResolved: Bool = false, notifyOnDismissed: Bool = false,
        notifyOnSnoozed: Bool = false, integrationIDs: [String], raiseSeverityTo: Severity? = nil
    ) {
        self.id = id
        self.name = name
        self.description = description
        self.enabled = enabled
        self.filters = filters
        self.notifyOnOpen = notifyOnOpen
        self.notifyOnResolved = notifyOnResolved
        self.notifyOnDismissed = notifyOnDismissed
        self.notifyOnSnoozed = notifyOnSnoozed
        self.integrationIDs = integrationIDs
        self.raiseSeverityTo = raiseSeverityTo
    }
}
