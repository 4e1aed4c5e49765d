import ArgumentParser
import Relay

/// `prisma-relay db …`: the database itself.
struct DatabaseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db", abstract: "Manage the relay's database.", subcommands: [Migrate.self])

    struct Migrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Apply the schema migrations the database lacks, and nothing else (for operators who migrate before deploying).",
            discussion: """
                Replicas migrate at start unless serve is given --no-migrate; migrations take a PostgreSQL advisory \
                lock, so replicas starting together migrate once.
                """)
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            try await reportingErrors {
                let app = try await db.open(migrate: false, checked: false)
                let applied = try await app.migrate()
                print(
                    applied.isEmpty
                        ? "The database at \(app.storeLocation) is current; nothing to migrate."
                        : "Migrated the database at \(app.storeLocation): applied \(applied.joined(separator: ", ")).")
            }
        }
    }
}
