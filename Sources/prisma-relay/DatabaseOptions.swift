import ArgumentParser
import Foundation
import Relay
import RelayModel

/// `--database`, shared by every command that opens the store.
struct DatabaseOptions: ParsableArguments {
    @Option(help: "SQLite database path (env PRISMA_RELAY_DATABASE; default prisma-relay.sqlite).")
    var database: String?

    var path: String { database ?? ProcessInfo.processInfo.environment["PRISMA_RELAY_DATABASE"] ?? "prisma-relay.sqlite" }

    func open() throws -> RelayApp {
        let delivery = try DeliverySettings.parse(
            maxAttempts: nil, maxAge: nil, concurrency: nil, environment: ProcessInfo.processInfo.environment)
        return try RelayApp.open(
            databasePath: path, delivery: delivery, logger: .init(label: "prisma-relay", factory: { _ in CLILogHandler() }))
    }
}
