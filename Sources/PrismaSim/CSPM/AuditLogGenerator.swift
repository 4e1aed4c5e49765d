import RelayModel

/// Makes records of a tenant's audit log from a seed, shaped as Prisma's (`timestamp`, `user`, `ipAddress`,
/// `actionType`, `resourceType`, `resourceName`, `action`, `result`): console and access-key log-ins (some failed),
/// alert dismissals, changes to alert rules, integrations, roles and cloud accounts, and the background jobs Prisma
/// records from its own internal address. Some records share a millisecond, as real ones do.
struct AuditLogGenerator {
    var random: SimRandom

    init(seed: UInt64) { random = SimRandom(seed: seed ^ 0x4155_4449_5400_0000) }

    static let people = SimDirectory.people.map(\.login)
    static let addresses = ["81.2.69.142", "203.0.113.24", "198.51.100.7", "192.0.2.55"]
    static let internalAddress = "Prisma Public Cloud Internal IP"

    mutating func make(count: Int, start: Int64, spread: Int64) -> [JSONValue] {
        var records: [JSONValue] = []
        var previous = start
        for index in 0..<count {
            // One in ten shares the previous record's millisecond.
            let timestamp = index > 0 && random.chance(0.1) ? previous : start + random.int(in: 0...max(0, spread - 1))
            previous = timestamp
            records.append(record(at: timestamp))
        }
        return records.sorted { ($0["timestamp"]?.int64Value ?? 0) < ($1["timestamp"]?.int64Value ?? 0) }
    }

    mutating func record(at timestamp: Int64) -> JSONValue {
        let user = random.pick(Self.people)
        let address = random.pick(Self.addresses)
        let role = random.pick(["System Admin", "Account Group Admin", "Account Group Read Only"])
        var object: JSONObject = ["timestamp": .int(timestamp)]
        func fill(
            _ action: String, _ resourceType: String, _ resourceName: String, _ words: String, failed: Bool = false, by: String? = nil
        ) {
            object["user"] = .string(by ?? user)
            object["ipAddress"] = .string(by == nil ? address : Self.internalAddress)
            object["actionType"] = .string(action)
            object["resourceType"] = .string(resourceType)
            object["resourceName"] = .string(resourceName)
            object["action"] = .string(words)
            object["result"] = .string(failed ? random.pick(["Failed", "fail"]) : random.pick(["Successful", "Success"]))
        }
        switch random.next() % 10 {
        case 0, 1, 2:
            let failed = random.chance(0.2)
            let viaKey = random.chance(0.5)
            fill(
                "LOGIN", "Login", user,
                "'\(user)'(with role '\(role)':'\(role)') \(failed ? "failed to log in" : "logged in") via \(viaKey ? "access key" : "password").",
                failed: failed)
        case 3, 4:
            let alert = "P-\(100_000 + random.next() % 900_000)"
            fill("UPDATE", "Alerts", alert, "'\(user)' dismissed alert \(alert) with note 'accepted risk'.")
        case 5:
            let rule = random.pick(["Default Alert Rule", "High severity to SOC", "PCI accounts"])
            fill("UPDATE", "Alert Rule", rule, "'\(user)' updated alert rule '\(rule)'.")
        case 6:
            let integration = random.pick(["soc-splunk", "pagerduty-oncall", "servicenow-prod"])
            fill(
                random.pick(["CREATE", "UPDATE", "DELETE"]), "Integration", integration, "'\(user)' changed integration '\(integration)'.")
        case 7:
            let account = random.pick(["prod-aws", "dev-azure", "analytics-gcp"])
            fill("UPDATE", "Cloud Account", account, "'\(user)' updated cloud account '\(account)'.")
        case 8:
            fill("CREATE", "User Role", "Auditors", "'\(user)' created role 'Auditors'.")
        default:
            fill("READ", "Compliance Report", "Weekly CIS", "Scheduled report 'Weekly CIS' generated.", by: "Prisma Cloud System")
        }
        return .object(object)
    }
}
