import ArgumentParser
import Foundation
import Relay
import RelayModel

/// `prisma-relay alert …`: actions on findings in Prisma Cloud, by their Prisma id, and the actions taken.
struct AlertCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alert",
        abstract: "Dismiss, snooze or reopen a CSPM alert, or acknowledge a Compute incident, in Prisma Cloud.",
        discussion: """
            Actions are off unless the connector that collected the finding allows them (connector update NAME \
            --allow-actions). Each action is recorded with Prisma Cloud's answer; the next poll brings the new status.
            """,
        subcommands: [Dismiss.self, Snooze.self, Reopen.self, Acknowledge.self, Unacknowledge.self, Actions.self])

    /// What every action takes: the finding, the connector when two collected it, the database.
    struct Finding: ParsableArguments {
        @Argument(help: "The alert id (P-…) or the Compute incident id.") var id: String
        @Option(help: "The connector that collected it, when more than one did.") var connector: String?
        @OptionGroup var db: DatabaseOptions
    }

    struct Dismiss: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Dismiss a CSPM alert, with a note.")
        @OptionGroup var finding: Finding
        @Option(help: "Why (kept by Prisma Cloud as the dismissal note).") var note: String?
        func run() async throws { try await act(finding, action: "dismiss", note: note) }
    }

    struct Snooze: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Snooze a CSPM alert for a while: 24h, 3d, 2w, 1mo.")
        @OptionGroup var finding: Finding
        @Option(name: .customLong("for"), help: "How long: 24h, 3d, 2w, 1mo or 1y.") var duration: String
        @Option(help: "Why (kept by Prisma Cloud as the dismissal note).") var note: String?
        func run() async throws { try await act(finding, action: "snooze", note: note, duration: duration) }
    }

    struct Reopen: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Reopen a dismissed or snoozed CSPM alert.")
        @OptionGroup var finding: Finding
        func run() async throws { try await act(finding, action: "reopen") }
    }

    struct Acknowledge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Acknowledge (archive) a Compute incident.")
        @OptionGroup var finding: Finding
        func run() async throws { try await act(finding, action: "acknowledge") }
    }

    struct Unacknowledge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Bring an acknowledged Compute incident back.")
        @OptionGroup var finding: Finding
        func run() async throws { try await act(finding, action: "unacknowledge") }
    }

    struct Actions: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The actions taken on a finding, newest first.")
        @OptionGroup var finding: Finding
        @Flag(help: "Print JSON.") var json = false
        func run() async throws {
            try await reportingErrors {
                let actions = try await finding.db.open().actions
                let event = try await actions.latestEvent(nativeID: finding.id, connector: finding.connector)
                let records = try await actions.actions(of: event)
                if json {
                    print(JSONValue.array(records.map(\.jsonValue)).prettyJSONString())
                    return
                }
                var rows = [["WHEN", "ACTION", "BY", "OUTCOME", "DETAIL"]]
                for record in records {
                    rows.append([
                        Timestamp.rfc3339(epochMilliseconds: record.requestedAt), record.action, record.actor, record.outcome.rawValue,
                        record.detail,
                    ])
                }
                print(table(rows))
            }
        }
    }

    /// Who acts from the command line: the operating system's user.
    static var actor: String { "CLI user \(ProcessInfo.processInfo.environment["USER"] ?? ProcessInfo.processInfo.userName)" }
}

/// Sends one action and prints Prisma's answer; a refusal or failure ends the command with an error.
private func act(_ finding: AlertCommand.Finding, action name: String, note: String? = nil, duration: String? = nil) async throws {
    try await reportingErrors {
        let action: AlertAction
        switch Result(catching: { () throws(ConfigErrors) in
            try AlertAction(action: name, note: note, duration: duration, actor: AlertCommand.actor)
        }) {
        case .success(let parsed): action = parsed
        case .failure(let errors): throw ValidationError(errors.renamingFields(["duration": "--for", "note": "--note"]).description)
        }
        let actions = try await finding.db.open().actions
        let event = try await actions.latestEvent(nativeID: finding.id, connector: finding.connector)
        let record = try await actions.act(on: event, action, by: AlertCommand.actor)
        guard record.succeeded else { throw ValidationError(record.detail) }
        print("\(record.outcome == .done ? "Done" : "Already done"): \(record.detail)")
    }
}
