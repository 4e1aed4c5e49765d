import ArgumentParser
import Foundation
import Relay
import RelayModel

/// `prisma-relay token …`.
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token", abstract: "Manage access keys of the relay's API.", subcommands: [Create.self, List.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an access key pair; the secret is shown once and stored only as a hash.")
        @OptionGroup var db: DatabaseOptions
        @Argument(help: "A name for the key, e.g. the tool that will use it.") var name: String
        @Flag(help: "A key that may read events, statuses and configuration (masked) but change nothing.") var readOnly = false

        func run() async throws {
            try await reportingErrors {
                let app = try await db.open()
                let (key, secret) = try await app.apiKeys.create(
                    name: name, role: readOnly ? .readOnly : .admin)
                print(
                    """
                    Access key ID: \(key.id)
                    Secret key: \(secret)
                    Role: \(key.role.rawValue)
                    Use it as Authorization: Bearer \(key.id):<secret key>, or log in with POST /login {"username": ID, "password": SECRET}.
                    The secret is not stored and cannot be shown again.
                    """)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the access keys with their role, status and last use.")
        @OptionGroup var db: DatabaseOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await reportingErrors {
                let app = try await db.open()
                let keys = try await app.apiKeys.list()
                if json {
                    print(JSONValue.array(keys.map(APIKeyService.publicJSON)).jsonString())
                    return
                }
                var rows = [["NAME", "ID", "ROLE", "STATUS", "CREATED", "LAST USED"]]
                for key in keys {
                    rows.append([
                        key.name, key.id, key.role.rawValue, key.revokedAt == nil ? "active" : "revoked", displayTime(key.createdAt),
                        displayTime(key.lastUsedAt),
                    ])
                }
                print(table(rows))
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke an access key: its secret, its JWTs and its console sessions stop working at once.")
        @OptionGroup var db: DatabaseOptions
        @Argument(help: "The key's name or ID.") var key: String

        func run() async throws {
            try await reportingErrors {
                let app = try await db.open()
                try await app.apiKeys.revoke(key)
                print("Access key \(key) revoked.")
            }
        }
    }
}
