import ArgumentParser
import Foundation
import Relay
import RelayModel

/// `prisma-relay rule …`: alert rules, which route events to integrations.
struct RuleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rule", abstract: "Route events to integrations with alert rules.",
        subcommands: [Add.self, List.self, Backfill.self, Enable.self, Disable.self, Remove.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a rule; an empty filter matches anything.")
        @OptionGroup var db: DatabaseOptions
        @Option(help: "Unique rule name.") var name: String
        @Option(name: .customLong("integration"), help: "Integration to notify, by id or name (repeatable).") var integrations: [String] =
            []
        @Option(help: "Severity to match: high, medium, low, info (repeatable).") var severity: [String] = []
        @Option(help: "Module to match: CSPM, CWPP, CIEM, DSPM (repeatable).") var module: [String] = []
        @Option(help: "Policy type to match (repeatable).") var policyType: [String] = []
        @Option(help: "Cloud type to match (repeatable).") var cloud: [String] = []
        @Option(help: "Connector name to match (repeatable).") var connector: [String] = []
        @Option(help: "Transition that notifies: open, resolved, dismissed, snoozed (repeatable; default open).") var notifyOn: [String] = [
            "open"
        ]
        @Option(help: "Kind of event to match: alert, incident, audit, health (repeatable; default all but audit).") var kind: [String] = []
        @Option(help: "Audit records: action to match, e.g. LOGIN, DELETE (repeatable; with --kind audit).") var auditAction: [String] = []
        @Option(help: "Audit records: user to match (repeatable; with --kind audit).") var auditUser: [String] = []
        @Option(help: "Audit records: result to match, success, failure or a Compute effect (repeatable; with --kind audit).")
        var auditResult: [String] = []
        @Option(
            help: "Audit records: the log, cspm or a Compute stream such as container, waas, admission (repeatable; with --kind audit).")
        var auditType: [String] = []
        @Option(help: "What the event's enrichment must show: \(EnrichmentCondition.names) (repeatable).") var enrichment: [String] = []
        @Option(help: "When the enrichment shows it, send the event at least this severe: high, medium, low, info.")
        var raiseSeverityTo: String?

        /// The rule's fields by the options that set them, so an error names what to fix on the command line.
        static let optionNames = [
            "filters.severities": "severity", "filters.modules": "module", "filters.policyTypes": "policy-type",
            "filters.cloudTypes": "cloud",
            "filters.connectors": "connector", "notifyOn": "notify-on", "integrationIDs": "integration",
            "filters.enrichment": "enrichment", "raiseSeverityTo": "raise-severity-to", "filters.kinds": "kind",
            "filters.auditActions": "audit-action", "filters.auditUsers": "audit-user", "filters.auditResults": "audit-result",
            "filters.auditTypes": "audit-type",
        ]

        func run() async throws {
            try await reportingErrors {
                let app = try await db.open()
                var ids: [String] = []
                var unknown: [ConfigError] = []
                for integration in integrations {
                    do {
                        ids.append(try await app.integrations.resolve(integration).id)
                    } catch let error as UnknownReference {
                        unknown.append(ConfigError(field: "integration", error.withListHint))
                    }
                }
                guard unknown.isEmpty else { throw ConfigErrors(unknown) }
                let draft = RuleService.Draft(
                    name: name,
                    filters: [
                        "severities": severity, "modules": module, "policyTypes": policyType, "cloudTypes": cloud, "connectors": connector,
                        "enrichment": enrichment, "kinds": kind, "auditActions": auditAction, "auditUsers": auditUser,
                        "auditResults": auditResult, "auditTypes": auditType,
                    ],
                    notifyOn: notifyOn, integrationIDs: ids, raiseSeverityTo: raiseSeverityTo)
                let rule: AlertRule
                do {
                    rule = try await app.rules.create(draft)
                } catch let errors as ConfigErrors {
                    throw errors.renamingFields(Self.optionNames)
                }
                print("Rule \(name) added with id \(rule.id)")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List rules.")
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            try await reportingErrors {
                let app = try await db.open()
                // Integrations by the names the other commands show and take.
                let names = try await app.integrations.namesByID()
                var rows = [["ID", "NAME", "ENABLED", "INTEGRATIONS"]]
                for rule in try await app.rules.list() {
                    rows.append([
                        rule.id, rule.name, String(rule.enabled), rule.integrationIDs.map { names[$0] ?? $0 }.joined(separator: ","),
                    ])
                }
                print(table(rows))
            }
        }
    }

    struct Backfill: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send stored events through a rule: those of the last --hours that it matches, once each.",
            discussion: """
                A rule routes the events stored after it exists. This sends it the ones stored before, to its integrations: \
                without --yes it only says how many; `serve` sends what was queued in its next delivery round. Events an \
                integration already has, and alerts it already has events of, are not queued again.
                """)
        @OptionGroup var db: DatabaseOptions
        @Argument(help: "The rule's id or name.") var rule: String
        @Option(help: "How far back to look, in hours (1 to 720).") var hours = 24
        @Flag(help: "Queue them (without it, only count).") var yes = false

        func run() async throws {
            try await reportingErrors {
                let done = try await db.open().rules.backfill(rule, hours: hours, apply: yes)
                let found = "\(done.matched) stored events of the last \(done.hours) hours match rule \(done.rule)"
                if yes {
                    print("\(found); queued \(done.queued) deliveries. serve sends them in its next delivery round.")
                } else if done.queued == 0 {
                    print("\(found); none is left to send: its integrations have them (or their alerts) already.")
                } else {
                    print("\(found); \(done.queued) deliveries would be queued. Run again with --yes to send them.")
                }
            }
        }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Turn a rule on: new events go through it again.")
        @OptionGroup var db: DatabaseOptions
        @Argument(help: "The rule's id or name.") var rule: String

        func run() async throws {
            try await reportingErrors {
                let rules = try await db.open().rules
                let found = try await rules.setEnabled(id: try await rules.resolve(rule).id, true)
                print("Rule \(found.name) enabled: the events stored from now on go through it (rule backfill sends it the ones before).")
            }
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Turn a rule off, keeping it: new events stop going through it.")
        @OptionGroup var db: DatabaseOptions
        @Argument(help: "The rule's id or name.") var rule: String

        func run() async throws {
            try await reportingErrors {
                let rules = try await db.open().rules
                let found = try await rules.setEnabled(id: try await rules.resolve(rule).id, false)
                print("Rule \(found.name) disabled: new events no longer go through it; deliveries it queued still go out.")
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a rule.")
        @OptionGroup var db: DatabaseOptions
        @Argument(help: "The rule's id or name.") var rule: String

        func run() async throws {
            try await reportingErrors {
                let rules = try await db.open().rules
                let found = try await rules.resolve(rule)
                try await rules.delete(found.id)
                print("Rule \(found.name) (\(found.id)) removed.")
            }
        }
    }
}
