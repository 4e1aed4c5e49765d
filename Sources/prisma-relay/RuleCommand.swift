import ArgumentParser
import Foundation
import Relay
import RelayModel

/// `prisma-relay rule …`: alert rules, which route events to integrations.
struct RuleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rule", abstract: "Route events to integrations with alert rules.", subcommands: [Add.self, List.self, Remove.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a rule; an empty filter matches anything.")
        @OptionGroup var db: DatabaseOptions
        @Option(help: "Unique rule name.") var name: String
        @Option(name: .customLong("integration"), help: "Integration id to notify (repeatable).") var integrations: [String] = []
        @Option(help: "Severity to match: high, medium, low, info (repeatable).") var severity: [String] = []
        @Option(help: "Module to match: CSPM, CWPP, CIEM, DSPM (repeatable).") var module: [String] = []
        @Option(help: "Policy type to match (repeatable).") var policyType: [String] = []
        @Option(help: "Cloud type to match (repeatable).") var cloud: [String] = []
        @Option(help: "Connector name to match (repeatable).") var connector: [String] = []
        @Option(help: "Transition that notifies: open, resolved, dismissed, snoozed (repeatable; default open).") var notifyOn: [String] = ["open"]

        func run() async throws {
            try await reportingErrors {
                var errors: [ConfigError] = []
                var filters = AlertRule.Filters()
                filters.severities = severity.compactMap { value in
                    Severity(rawValue: value.lowercased()) ?? { errors.append(ConfigError(field: "severity", "\(value) is not high, medium, low or info")); return nil }()
                }
                filters.modules = module.compactMap { value in
                    Module(rawValue: value.uppercased()) ?? { errors.append(ConfigError(field: "module", "\(value) is not CSPM, CWPP, CIEM or DSPM")); return nil }()
                }
                filters.policyTypes = policyType
                filters.cloudTypes = cloud
                filters.connectors = connector
                let transitions = Set(notifyOn.map { $0.lowercased() })
                for unknown in transitions.subtracting(["open", "resolved", "dismissed", "snoozed"]) {
                    errors.append(ConfigError(field: "notify-on", "\(unknown) is not open, resolved, dismissed or snoozed"))
                }
                if integrations.isEmpty { errors.append(ConfigError(field: "integration", "name at least one integration id")) }
                guard errors.isEmpty else { throw ConfigErrors(errors) }
                let rule = AlertRule(
                    id: UUID().uuidString.lowercased(), name: name, filters: filters, notifyOnOpen: transitions.contains("open"),
                    notifyOnResolved: transitions.contains("resolved"), notifyOnDismissed: transitions.contains("dismissed"),
                    notifyOnSnoozed: transitions.contains("snoozed"), integrationIDs: integrations)
                try await db.open().store.addRule(rule)
                print("Rule \(name) added with id \(rule.id)")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List rules.")
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            try await reportingErrors {
                var rows = [["ID", "NAME", "ENABLED", "INTEGRATIONS"]]
                for rule in try await db.open().store.rules() {
                    rows.append([rule.id, rule.name, String(rule.enabled), rule.integrationIDs.joined(separator: ",")])
                }
                print(table(rows))
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a rule.")
        @OptionGroup var db: DatabaseOptions
        @Argument var id: String

        func run() async throws {
            try await reportingErrors {
                try await db.open().store.removeRule(id: id)
                print("Rule \(id) removed.")
            }
        }
    }
}
