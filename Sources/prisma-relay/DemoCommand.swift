import ArgumentParser
import Foundation
import RelayDemo

/// `prisma-relay demo`.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the whole ingest path against a built-in simulated Prisma Cloud tenant, with no setup.")

    @Option(help: "Where the demo keeps its database.")
    var dataDir = "prisma-relay-demo"

    @Option(help: "Alerts in the simulated tenant.")
    var alerts = 2_000

    @Flag(help: "Poll once, print the summary and exit.")
    var once = false

    @Option(help: "Seconds between polls when not --once.")
    var interval = 15

    func run() async throws {
        try await reportingErrors {
            guard alerts >= 0 else { throw ValidationError("--alerts must be zero or more") }
            try await Demo(dataDirectory: dataDir, alerts: alerts, once: once, intervalSeconds: interval).run { line in
                print(line)
                fflush(nil)
            }
        }
    }
}
