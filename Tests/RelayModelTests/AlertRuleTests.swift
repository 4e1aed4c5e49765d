import RelayModel
import Testing

@Suite("Alert rules")
struct AlertRuleTests {
    func alert(_ fields: String = "", status: String = "open", connector: String = "prod") throws -> NormalizedEvent {
        let json = #"""
            {"id":"P-1","status":"\#(status)","lastUpdated":1,
             "policy":{"name":"AWS S3 bucket is publicly accessible","policyType":"config","severity":"critical",
                       "labels":["CIS","PCI"],"complianceMetadata":[{"standardName":"CIS v1.5.0 (AWS)"}]},
             "resource":{"cloudType":"aws","accountId":"111111111111","regionId":"us-east-1"}\#(fields)}
            """#
        return try AlertNormalizer.normalize(try JSONValue.parse(json), connector: connector, observedAt: 0)
    }

    func rule(_ configure: (inout AlertRule.Filters) -> Void = { _ in }) -> AlertRule {
        var filters = AlertRule.Filters()
        configure(&filters)
        return AlertRule(id: "r", name: "r", filters: filters, integrationIDs: ["i1"])
    }

    @Test("an alert of a page, read lazily, is matched on the labels and standards only its raw event names")
    func lazilyReadAlert() throws {
        let page =
            #"{"items":[{"id":"P-1","status":"open","lastUpdated":1,"policy":{"name":"n","severity":"high","labels":["CIS","PCI"],"#
            + #""complianceMetadata":[{"standardName":"CIS v1.5.0 (AWS)"}]},"resource":{"cloudType":"aws"}}]}"#
        let alert = try #require(try JSONValue.parse(Array(page.utf8), lazily: AlertPage.lazyAlerts)["items"]?.arrayValue?.first)
        let event = try AlertNormalizer.normalize(alert, connector: "prod", observedAt: 0)
        #expect(rule { $0.policyLabels = ["pci"] }.matches(event))
        #expect(!rule { $0.policyLabels = ["hipaa"] }.matches(event))
        #expect(rule { $0.complianceStandards = ["cis v1.5.0 (aws)"] }.matches(event))
        #expect(!rule { $0.complianceStandards = ["NIST"] }.matches(event))
    }

    @Test("a rule without filters sends every open event and nothing else by default")
    func defaults() throws {
        #expect(rule().matches(try alert()))
        #expect(!rule().matches(try alert(status: "resolved")))
        #expect(!rule().matches(try alert(status: "dismissed")))
    }

    func audit(action: String, result: String, user: String = "alice@example.com") throws -> NormalizedEvent {
        try AuditNormalizer.normalize(
            .object([
                "timestamp": .int(1), "user": .string(user), "actionType": .string(action), "result": .string(result),
                "resourceType": .string("Login"), "resourceName": .string(user),
            ]), connector: "prod", observedAt: 0)
    }

    @Test("audit records go only where a rule names their kind, whatever it notifies on, filtered by action, user and result")
    func auditRecords() throws {
        let failedLogin = try audit(action: "LOGIN", result: "Failed")
        #expect(!rule().matches(failedLogin), "a rule that names no kind never sends audit records")
        #expect(!rule { $0.severities = [.medium] }.matches(failedLogin), "not even when its other filters fit")
        #expect(rule { $0.kinds = [.audit] }.matches(failedLogin))
        #expect(!rule { $0.kinds = [.audit] }.matches(try alert()), "naming audit alone leaves alerts out")
        let failures = rule {
            $0.kinds = [.audit]
            $0.auditResults = ["failure"]
            $0.auditActions = ["login"]
        }
        #expect(failures.matches(failedLogin))
        #expect(!failures.matches(try audit(action: "LOGIN", result: "Successful")))
        #expect(!failures.matches(try audit(action: "DELETE", result: "Failed")))
        #expect(
            rule {
                $0.kinds = [.audit]
                $0.auditUsers = ["ALICE@example.com"]
            }.matches(failedLogin))
        #expect(
            !rule {
                $0.kinds = [.audit]
                $0.auditUsers = ["bob@example.com"]
            }.matches(failedLogin))
    }

    @Test("audit records filter by their log: the tenant's (cspm) or a Compute stream, with the stream's own effects as results")
    func auditLogs() throws {
        let login = try audit(action: "LOGIN", result: "Failed")
        let admission = try RuntimeAuditNormalizer.normalize(
            .object([
                "time": .string("2024-06-03T09:12:44Z"), "operation": .string("CREATE"), "kind": .string("Pod"),
                "username": .string("alice@example.com"), "effect": .string("block"), "ruleName": .string("Deny privileged pods"),
            ]), stream: .admission, connector: "cwpp", observedAt: 0)
        let admissions = rule {
            $0.kinds = [.audit]
            $0.auditTypes = ["admission"]
        }
        #expect(admissions.matches(admission) && !admissions.matches(login))
        let tenant = rule {
            $0.kinds = [.audit]
            $0.auditTypes = ["CSPM"]
        }
        #expect(tenant.matches(login) && !tenant.matches(admission))
        let blocked = rule {
            $0.kinds = [.audit]
            $0.auditResults = ["block"]
        }
        #expect(blocked.matches(admission) && !blocked.matches(login))
    }

    @Test(
        "each filter matches its field, case-insensitively",
        arguments: [
            "severities", "originalSeverities", "modules", "policyTypes", "policyNames", "policyLabels", "cloudTypes",
            "accountIDs", "regions", "complianceStandards", "connectors",
        ])
    func filters(name: String) throws {
        let event = try alert()
        func make(_ value: String) -> AlertRule {
            rule { filters in
                switch name {
                case "severities": filters.severities = value == "hit" ? [.high] : [.low]
                case "originalSeverities": filters.originalSeverities = [value == "hit" ? "CRITICAL" : "low"]
                case "modules": filters.modules = value == "hit" ? [.cspm] : [.cwpp]
                case "policyTypes": filters.policyTypes = [value == "hit" ? "Config" : "network"]
                case "policyNames": filters.policyNames = [value == "hit" ? "aws s3 bucket is publicly accessible" : "other"]
                case "policyLabels": filters.policyLabels = [value == "hit" ? "pci" : "hipaa"]
                case "cloudTypes": filters.cloudTypes = [value == "hit" ? "AWS" : "gcp"]
                case "accountIDs": filters.accountIDs = [value == "hit" ? "111111111111" : "222222222222"]
                case "regions": filters.regions = [value == "hit" ? "US-EAST-1" : "eu-west-1"]
                case "complianceStandards": filters.complianceStandards = [value == "hit" ? "CIS v1.5.0 (AWS)" : "SOC 2"]
                default: filters.connectors = [value == "hit" ? "prod" : "staging"]
                }
            }
        }
        #expect(make("hit").matches(event))
        #expect(!make("miss").matches(event))
    }

    @Test("values of one filter are alternatives; different filters must all hold")
    func orAndAnd() throws {
        let event = try alert()
        #expect(rule { $0.cloudTypes = ["gcp", "aws"] }.matches(event))
        #expect(
            !rule {
                $0.cloudTypes = ["aws"]
                $0.regions = ["eu-west-1"]
            }.matches(event))
        #expect(
            rule {
                $0.cloudTypes = ["aws"]
                $0.regions = ["eu-west-1", "us-east-1"]
            }.matches(event))
    }

    @Test("transitions notify only when the rule asks for them")
    func transitions() throws {
        var onResolve = rule()
        onResolve.notifyOnOpen = false
        onResolve.notifyOnResolved = true
        #expect(onResolve.matches(try alert(status: "resolved")))
        #expect(!onResolve.matches(try alert(status: "open")))
        var snoozeAndDismiss = rule()
        snoozeAndDismiss.notifyOnSnoozed = true
        snoozeAndDismiss.notifyOnDismissed = true
        #expect(snoozeAndDismiss.matches(try alert(status: "snoozed")))
        #expect(snoozeAndDismiss.matches(try alert(status: "dismissed")))
        #expect(!snoozeAndDismiss.matches(try alert(status: "pending_resolution")))
    }

    @Test("a disabled rule sends nothing; the router names each integration once")
    func router() throws {
        var off = rule()
        off.enabled = false
        let a = AlertRule(id: "a", name: "a", integrationIDs: ["slack", "splunk"])
        let b = AlertRule(
            id: "b", name: "b",
            filters: {
                var f = AlertRule.Filters()
                f.severities = [.high]
                return f
            }(), integrationIDs: ["splunk", "pd"])
        let c = AlertRule(
            id: "c", name: "c",
            filters: {
                var f = AlertRule.Filters()
                f.modules = [.cwpp]
                return f
            }(), integrationIDs: ["teams"])
        #expect(!off.matches(try alert()))
        #expect(AlertRouter.destinations(of: try alert(), rules: [off, a, b, c]) == ["slack", "splunk", "pd"])
    }

    @Test("a commit's outbox rows: each new event once per integration its rules name, keyed by connector and alert id")
    func outboxRows() throws {
        let first = try alert()
        let other = try alert(connector: "staging")
        let resolved = try alert(status: "resolved")
        let rules = [
            AlertRule(id: "a", name: "a", integrationIDs: ["hook", "pd"]),
            AlertRule(id: "b", name: "b", notifyOnResolved: true, integrationIDs: ["pd"]),
        ]
        let rows = AlertRouter.outboxRows(for: [first, other, resolved], rules: rules, at: 42)
        #expect(
            rows == [
                OutboxRow(eventID: first.id, integrationID: "hook", alertKey: "prod/P-1", queuedAt: 42),
                OutboxRow(eventID: first.id, integrationID: "pd", alertKey: "prod/P-1", queuedAt: 42),
                OutboxRow(eventID: other.id, integrationID: "hook", alertKey: "staging/P-1", queuedAt: 42),
                OutboxRow(eventID: other.id, integrationID: "pd", alertKey: "staging/P-1", queuedAt: 42),
                OutboxRow(eventID: resolved.id, integrationID: "pd", alertKey: "prod/P-1", queuedAt: 42),
            ])
        #expect(AlertRouter.outboxRows(for: [first], rules: [], at: 42).isEmpty)
    }
}
