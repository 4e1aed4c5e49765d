import ArgumentParser
import Foundation
import RelayServer

/// `prisma-relay token …`.
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token", abstract: "Manage access keys of the relay's API.", subcommands: [Create.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an access key pair; the secret is shown once and stored only as a hash.")
        @OptionGroup var db: DatabaseOptions
        @Argument(help: "A name for the key, e.g. the tool that will use it.") var name: String

        func run() async throws {
            try await reportingErrors {
                let app = try db.open()
                let (key, secret) = APIAuthenticator.newKey(name: name, now: app.clock())
                try await app.store.addAPIKey(key)
                print("""
                    Access key ID: \(key.id)
                    Secret key: \(secret)
                    Use it as Authorization: Bearer \(key.id):<secret key>, or log in with POST /login {"username": ID, "password": SECRET}.
                    The secret is not stored and cannot be shown again.
                    """)
            }
        }
    }
}
