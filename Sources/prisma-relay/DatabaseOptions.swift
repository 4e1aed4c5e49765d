import ArgumentParser
import Foundation
import Logging
import Relay
import RelayModel

/// `--database`, shared by every command that opens the store.
struct DatabaseOptions: ParsableArguments {
    @Option(
        help: """
            The database: a SQLite file path, or postgres://user@host:5432/db?sslmode=verify-full&sslrootcert=ca.pem for \
            replicas (password in the URL, password_file= or PGPASSWORD; pool_size=N) (env PRISMA_RELAY_DATABASE; \
            default prisma-relay.sqlite).
            """)
    var database: String?

    var path: String { database ?? ProcessInfo.processInfo.environment["PRISMA_RELAY_DATABASE"] ?? "prisma-relay.sqlite" }

    func open(migrate: Bool = true, checked: Bool = true) async throws -> RelayApp {
        let environment = ProcessInfo.processInfo.environment
        let delivery = try DeliverySettings.parse(maxAttempts: nil, maxAge: nil, concurrency: nil, environment: environment)
        return try await RelayApp.open(
            database: path, migrate: migrate, checked: checked, delivery: delivery,
            outbound: try OutboundPolicy.from(environment: environment), network: try NetworkSettings.from(environment: environment),
            logger: .init(label: "prisma-relay", factory: { _ in CLILogHandler() }))
    }
}
