extension AlertRule {
    /// Whether the rule's enrichment conditions hold for the enriched `event` (none: they hold).
    public func enrichmentHolds(_ event: NormalizedEvent) -> Bool {
        filters.enrichment.isEmpty || filters.enrichment.contains { $0.holds(in: event.enrichment) }
    }

    /// Whether the rule sends `event`: enabled, notifying on the event's status, and every filter met — but the
    /// enrichment conditions, which are checked as the event is delivered (`enrichmentHolds`).
    public func matches(_ event: NormalizedEvent) -> Bool {
        // A heartbeat goes to the one integration it is for, never by rules; an audit record only where a rule names
        // its kind (so no pager rings for a log-in unless asked to).
        guard enabled, event.kind != .heartbeat, (filters.kinds.isEmpty ? Self.defaultKinds : filters.kinds).contains(event.kind)
        else { return false }
        // An audit record is one moment, not a life of transitions: whatever the rule notifies on, it is sent.
        guard event.kind == .audit || notifies(on: event.status) else { return false }
        // What only the raw event says is read when a filter asks for it (`any` calls `have` only for a filter that
        // names something): reading it parses the whole alert. Each closure reads the event it is handed and captures
        // nothing: closures that captured the event would copy it (some thirty fields) on every match.
        return Self.any(filters.severities.map(\.rawValue), of: event) { [$0.severity.rawValue] }
            && Self.any(filters.originalSeverities, of: event) { $0.originalSeverity.map { [$0] } ?? [] }
            && Self.any(filters.modules.map(\.rawValue), of: event) { [$0.module.rawValue] }
            && Self.any(filters.policyTypes, of: event) { $0.policy?.type.map { [$0] } ?? [] }
            && Self.any(filters.policyNames, of: event) { $0.policy?.name.map { [$0] } ?? [] }
            && Self.any(filters.policyLabels, of: event) { $0.rawEvent["policy"]?["labels"]?.arrayValue?.compactMap(\.stringValue) ?? [] }
            && Self.any(filters.cloudTypes, of: event) { $0.resource.cloud.map { [$0] } ?? [] }
            && Self.any(filters.accountIDs, of: event) { $0.resource.accountID.map { [$0] } ?? [] }
            && Self.any(filters.regions, of: event) { $0.resource.region.map { [$0] } ?? [] }
            && Self.any(filters.complianceStandards, of: event) {
                $0.rawEvent["policy"]?["complianceMetadata"]?.arrayValue?.compactMap { $0["standardName"]?.stringValue } ?? []
            }
            && Self.any(filters.connectors, of: event) { [$0.connector] }
            && Self.any(filters.auditActions, of: event) { $0.audit.map { [$0.action] } ?? [] }
            && Self.any(filters.auditUsers, of: event) { $0.audit?.user.map { [$0] } ?? [] }
            && Self.any(filters.auditResults, of: event) { $0.audit.map { [$0.result] } ?? [] }
            && Self.any(filters.auditTypes, of: event) { $0.audit.map { [$0.type] } ?? [] }
    }

    /// The kinds a rule that names none matches.
    static let defaultKinds: [EventKind] = [.alert, .incident, .health]

    /// Whether the rule notifies on a status: open, resolved, dismissed, snoozed. A pending resolution is not a
    /// transition anyone is notified of.
    public func notifies(on status: String) -> Bool {
        switch status {
        case "open": notifyOnOpen
        case "resolved": notifyOnResolved
        case "dismissed": notifyOnDismissed
        case "snoozed": notifyOnSnoozed
        default: false
        }
    }

    /// An empty filter matches; otherwise one of `wanted` must equal one of what `have` reads of `event`, ignoring
    /// case. `have` is called only for a filter that names something.
    static func any(_ wanted: [String], of event: NormalizedEvent, _ have: (NormalizedEvent) -> [String]) -> Bool {
        guard !wanted.isEmpty else { return true }
        let set = Set(have(event).map { $0.lowercased() })
        return wanted.contains { set.contains($0.lowercased()) }
    }
}

/// Decides where an event goes.
public enum AlertRouter {
    /// What becomes of an enriched event queued for `integrationID`, under the `rules` that name it: sent (with its
    /// severity raised to the highest `raiseSeverityTo` of the rules whose enrichment conditions hold), or not sent
    /// with why — when every rule that queued it requires enrichment that is not there. An event no rule names any
    /// more is sent as it was queued.
    public static func decide(_ event: NormalizedEvent, for integrationID: String, rules: [AlertRule]) -> (
        send: NormalizedEvent?, why: String?
    ) {
        let naming = rules.filter { $0.integrationIDs.contains(integrationID) && $0.matches(event) }
        guard !naming.isEmpty else { return (event, nil) }
        let holding = naming.filter { $0.enrichmentHolds(event) }
        guard !holding.isEmpty else {
            let needs = naming.map { "\($0.name) needs \($0.filters.enrichment.map(\.rawValue).joined(separator: " or "))" }
            return (nil, "no rule's enrichment condition held: " + needs.joined(separator: "; "))
        }
        var sent = event
        if let raise = holding.compactMap(\.raiseSeverityTo).max(), raise > event.severity,
            let by = holding.first(where: { $0.raiseSeverityTo == raise })
        {
            sent.severity = raise
            sent.enrichment["rules"] = .object(["severityRaisedFrom": .string(event.severity.rawValue), "by": .string(by.name)])
        }
        return (sent, nil)
    }

    /// The integrations that receive `event` under `rules`, each once, in the order first named.
    public static func destinations(of event: NormalizedEvent, rules: [AlertRule]) -> [String] {
        var seen = Set<String>()
        return rules.filter { $0.matches(event) }.flatMap(\.integrationIDs).filter { seen.insert($0).inserted }
    }

    /// The outbox rows a commit writes for the events it stored as new, under the enabled `rules` it read in the
    /// same transaction: every store implementation routes with this, so an event and its deliveries are decided
    /// the same way everywhere.
    public static func outboxRows(for newEvents: [NormalizedEvent], rules: [AlertRule], at time: Int64) -> [OutboxRow] {
        guard !rules.isEmpty else { return [] }
        return newEvents.flatMap { event in
            destinations(of: event, rules: rules).map {
                OutboxRow(eventID: event.id, integrationID: $0, alertKey: AlertKey.of(event), queuedAt: time)
            }
        }
    }
}

extension AlertRouter {
    /// The rows of a rule catching up on stored events that may be queued: none of an alert that already has a row
    /// for the integration (`queued`), since an older event queued after a newer one would go out of order.
    public static func backfill(_ rows: [OutboxRow], skipping queued: Set<OutboxRow.Slot>) -> [OutboxRow] {
        rows.filter { !queued.contains($0.slot) }
    }
}

/// One delivery a commit queues: an event for one integration, with the key that orders an alert's events.
public struct OutboxRow: Sendable, Equatable {
    /// An alert at an integration: the rows that go out in order.
    public struct Slot: Hashable, Sendable {
        public var integrationID: String
        public var alertKey: String

        public init(integrationID: String, alertKey: String) {
            self.integrationID = integrationID
            self.alertKey = alertKey
        }
    }

    public var slot: Slot { Slot(integrationID: integrationID, alertKey: alertKey) }

    public var eventID: String
    public var integrationID: String
    public var alertKey: String
    /// Epoch milliseconds; the row is due at once.
    public var queuedAt: Int64

    public init(eventID: String, integrationID: String, alertKey: String, queuedAt: Int64) {
        self.eventID = eventID
        self.integrationID = integrationID
        self.alertKey = alertKey
        self.queuedAt = queuedAt
    }
}
