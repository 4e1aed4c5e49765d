import ArgumentParser
import Relay
import RelayModel

/// `prisma-relay events …`.
struct EventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events", abstract: "Inspect stored events.", subcommands: [List.self, Show.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List stored events, newest first.")
        @OptionGroup var db: DatabaseOptions
        @Flag(help: "Print a JSON array of normalized events.") var json = false
        @Option(help: "How many events.") var limit = 20
        @Option(help: "Only this severity: high, medium, low, info.") var severity: String?
        @Option(help: "Only this connector.") var connector: String?
        @Option(help: "Only this kind: alert, incident, audit or health.") var kind: String?

        func run() async throws {
            try await reportingErrors {
                // Every bad option is named at once.
                var problems: [ConfigError] = []
                let band = severity.flatMap { Severity(rawValue: $0.lowercased()) }
                if let severity, band == nil {
                    problems.append(ConfigError(field: "severity", "must be high, medium, low or info (got \"\(severity)\")"))
                }
                if limit < 1 { problems.append(ConfigError(field: "limit", "must be at least 1 (got \(limit))")) }
                let kinds = EventKind.allCases.filter { $0 != .heartbeat }
                let wanted = kind.flatMap { EventKind(rawValue: $0.lowercased()) }.flatMap { kinds.contains($0) ? $0 : nil }
                if let kind, wanted == nil {
                    problems.append(
                        ConfigError(field: "kind", "must be \(kinds.map(\.rawValue).joined(separator: ", ")) (got \"\(kind)\")"))
                }
                guard problems.isEmpty else { throw ConfigErrors(problems) }
                let events = try await db.open().events.list(EventQuery(connector: connector, severity: band, kind: wanted, limit: limit))
                if json {
                    print(JSONValue.array(events.map(\.jsonValue)).prettyJSONString())
                    return
                }
                var rows = [["LAST SEEN", "SEVERITY", "STATUS", "MODULE", "ID", "TITLE"]]
                for event in events {
                    rows.append([
                        event.lastSeen ?? event.observedAt, event.severity.rawValue, event.status, event.module.rawValue, event.nativeID,
                        event.title,
                    ])
                }
                print(table(rows))
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one stored event whole (its raw event included), where it was delivered, and the actions taken on it.")
        @OptionGroup var db: DatabaseOptions
        @Argument(help: "The event's id (evt_…), or the alert id (P-…) or Compute incident id of a finding: its latest event.")
        var id: String
        @Option(help: "With a finding's id: the connector that collected it, when more than one did.") var connector: String?
        @Flag(help: "Print the event as the events API does: with its deliveries and actions.") var json = false

        func run() async throws {
            try await reportingErrors {
                let app = try await db.open()
                let event: NormalizedEvent
                if let stored = try await app.events.get(id) {
                    event = stored
                } else {
                    do {
                        event = try await app.actions.latestEvent(nativeID: id, connector: connector)
                    } catch ActionService.Refusal.noAlert {
                        throw ValidationError(
                            "there is no stored event \(id), nor a finding with that Prisma id (prisma-relay events list shows the latest)"
                        )
                    }
                }
                let deliveries = try await app.events.deliveries(of: [event.id])[event.id] ?? []
                let actions = try await app.actions.actions(of: event)
                if json {
                    guard case .object(var object) = event.jsonValue else { return }
                    object["deliveries"] = .array(deliveries.map(\.jsonValue))
                    object["actions"] = .array(actions.map(\.jsonValue))
                    print(JSONValue.object(object).prettyJSONString())
                    return
                }
                print(event.jsonValue.prettyJSONString())
                let names = try await app.integrations.namesByID()
                var rows = [["DELIVERED TO", "STATE", "ATTEMPTS", "FINISHED", "LAST ERROR"]]
                for delivery in deliveries {
                    rows.append([
                        names[delivery.integrationID] ?? delivery.integrationID, delivery.state, String(delivery.attempts),
                        delivery.finishedAt.map(displayTime) ?? "-", delivery.lastError ?? "",
                    ])
                }
                print(deliveries.isEmpty ? "\nNo rule routed it to an integration." : "\n" + table(rows))
                for record in actions {
                    print(
                        "Action \(record.action) by \(record.actor) at \(displayTime(record.requestedAt)): \(record.outcome.rawValue), \(record.detail)"
                    )
                }
            }
        }
    }
}
