import ArgumentParser
import Relay
import RelayModel

/// `prisma-relay events …`.
struct EventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "events", abstract: "Inspect stored events.", subcommands: [List.self])

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
                var band: Severity?
                if let severity {
                    guard let parsed = Severity(rawValue: severity.lowercased()) else {
                        throw ValidationError("--severity must be high, medium, low or info")
                    }
                    band = parsed
                }
                guard limit > 0 else { throw ValidationError("--limit must be at least 1") }
                let kinds = EventKind.allCases.filter { $0 != .heartbeat }
                let wanted = try kind.map { name in
                    guard let parsed = EventKind(rawValue: name.lowercased()), kinds.contains(parsed) else {
                        throw ValidationError("--kind must be \(kinds.map(\.rawValue).joined(separator: ", "))")
                    }
                    return parsed
                }
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
}
