import RelayModel

/// What people read about an event in a chat message: a headline and labelled facts, shared by Slack and Teams.
struct AlertFacts {
    let headline: String
    let facts: [(String, String)]
    /// The alert in Prisma's console when the relay knows the console, and the resource in its cloud console when
    /// Prisma gave that.
    let links: [(url: String, label: String)]

    init(headline: String, facts: [(String, String)], links: [(url: String, label: String)]) {
        self.headline = String(headline.prefix(300))
        self.facts = facts.map { ($0.0, String($0.1.prefix(500))) }
        self.links = links
    }

    init(_ event: NormalizedEvent) {
        self = event.audit.map { Self.audit($0, event) } ?? Self.alert(event)
    }

    static func alert(_ event: NormalizedEvent) -> AlertFacts {
        let tier = (event.originalSeverity ?? event.severity.rawValue).uppercased()
        let state = event.status == "open" ? "" : " (\(event.status))"
        var facts: [(String, String)] = [("Severity", tier), ("Status", event.status), ("Module", event.module.rawValue)]
        if let policy = event.policy?.name { facts.append(("Policy", policy)) }
        if let name = event.resource.name ?? event.resource.id { facts.append(("Resource", name)) }
        if let type = event.resource.type { facts.append(("Resource type", type)) }
        if let account = event.resource.accountID { facts.append(("Account", account)) }
        if let cloud = event.resource.cloud { facts.append(("Cloud", cloud)) }
        if let region = event.resource.region { facts.append(("Region", region)) }
        facts.append(("Alert", event.nativeID))
        let links = [
            event.link.map { ($0, "Open the alert in Prisma Cloud") },
            event.rawEvent["resource"]?["url"]?.stringValue.map { ($0, "Open the resource") },
        ].compactMap { $0 }
        return AlertFacts(headline: "[\(tier)] \(event.title)\(state)", facts: facts, links: links)
    }

    /// An audit record reads as an audit line — who did what, from where, and how it ended — not as an alert.
    static func audit(_ audit: NormalizedEvent.Audit, _ event: NormalizedEvent) -> AlertFacts {
        var facts: [(String, String)] = [("Action", audit.action), ("Result", audit.result)]
        if let user = audit.user { facts.append(("User", audit.accessKey ? "\(user) (access key)" : user)) }
        if let address = audit.ipAddress { facts.append(("From", address)) }
        if let type = event.resource.type { facts.append(("Resource type", type)) }
        if let name = event.resource.name { facts.append(("Resource", name)) }
        facts.append(("When", event.lastSeen ?? event.observedAt))
        facts.append(("Connector", event.connector))
        return AlertFacts(headline: "[AUDIT] \(event.title)", facts: facts, links: [])
    }
}
