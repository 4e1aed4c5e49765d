import RelayModel

/// What people read about an event in a chat message: a headline and labelled facts, shared by Slack and Teams.
struct AlertFacts {
    let headline: String
    let facts: [(String, String)]
    /// The alert in Prisma's console when the relay knows the console, and the resource in its cloud console when
    /// Prisma gave that.
    let links: [(url: String, label: String)]

    init(_ event: NormalizedEvent) {
        let tier = (event.originalSeverity ?? event.severity.rawValue).uppercased()
        let state = event.status == "open" ? "" : " (\(event.status))"
        headline = String("[\(tier)] \(event.title)\(state)".prefix(300))
        var facts: [(String, String)] = [("Severity", tier), ("Status", event.status), ("Module", event.module.rawValue)]
        if let policy = event.policy?.name { facts.append(("Policy", policy)) }
        if let name = event.resource.name ?? event.resource.id { facts.append(("Resource", name)) }
        if let type = event.resource.type { facts.append(("Resource type", type)) }
        if let account = event.resource.accountID { facts.append(("Account", account)) }
        if let cloud = event.resource.cloud { facts.append(("Cloud", cloud)) }
        if let region = event.resource.region { facts.append(("Region", region)) }
        facts.append(("Alert", event.nativeID))
        self.facts = facts.map { ($0.0, String($0.1.prefix(500))) }
        links = [
            event.link.map { ($0, "Open the alert in Prisma Cloud") },
            event.rawEvent["resource"]?["url"]?.stringValue.map { ($0, "Open the resource") },
        ].compactMap { $0 }
    }
}
