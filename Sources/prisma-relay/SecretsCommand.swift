import ArgumentParser
import Relay

/// `prisma-relay secrets …`.
struct SecretsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "secrets", abstract: "Manage the key that seals secrets at rest.", subcommands: [Rotate.self])

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Re-seal every stored secret under a new key (the key file beside the database, or PRISMA_RELAY_NEW_MASTER_KEY).")
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            try await reportingErrors {
                let count = try await db.open().rotateMasterKey()
                print("Re-sealed \(count) secrets under a new key.")
            }
        }
    }
}
