import ArgumentParser
import Foundation
import Relay

/// `prisma-relay db …`: the database itself.
struct DatabaseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db", abstract: "Manage the relay's database.", subcommands: [Migrate.self, Copy.self])

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

    struct Copy: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Copy a SQLite database into PostgreSQL: connectors with their cursors, integrations, rules, API keys, events, the outbox and dead letters.",
            discussion: """
                Stop every serve on the SQLite database first. Secrets are opened with the key file beside it and sealed \
                again under PRISMA_RELAY_MASTER_KEY, the key every replica on PostgreSQL shares. The copy is one \
                transaction: all of it lands, or none. Rows the target already holds are kept as they are, so copying \
                twice adds nothing; a target that holds data is refused unless --merge is given. Console sessions, \
                connector leases and delivery claims stay behind: sign in again after the move.
                  prisma-relay db copy --from sqlite:prisma-relay.sqlite --to postgres://relay@db.internal/relay?sslmode=verify-full
                """)
        @Option(help: "The SQLite database to copy from (sqlite:PATH or a path).") var from: String
        @Option(help: "The PostgreSQL database to copy into (postgres://…; created tables when new).") var to: String
        @Flag(help: "Copy into a database that already holds data, adding only the rows it lacks.") var merge = false

        func run() async throws {
            try await reportingErrors {
                let report = try await DatabaseCopy.run(from: from, to: to, merge: merge)
                print("Copied \(report.source) into \(report.target) (secrets sealed again under PRISMA_RELAY_MASTER_KEY):")
                for table in report.tables {
                    print(
                        "  \(table.table.padding(toLength: 24, withPad: " ", startingAt: 0))\(table.copied) copied"
                            + (table.kept > 0 ? ", \(table.kept) already there" : ""))
                }
                print("Next: prisma-relay serve --database '\(report.target)'")
            }
        }
    }
}
