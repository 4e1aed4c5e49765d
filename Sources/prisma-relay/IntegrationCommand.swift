import ArgumentParser
import Foundation
import Relay
import RelayModel

/// `prisma-relay integration …`: destinations configured with Prisma's own `integrationConfig` objects.
struct IntegrationCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "integration", abstract: "Add, test, change, list and remove integrations.",
        subcommands: [
            Add.self, Test.self, Update.self, Enable.self, Disable.self, List.self, Status.self, DeadLetters.self, Retry.self, Discard.self,
            Remove.self,
        ])

    /// What an argument naming one integration takes: lists and the status show names, so a name will do.
    static let argumentHelp = ArgumentHelp("The integration's id or name.")

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add an integration; its integrationConfig comes from a JSON file (it holds secrets, so never a flag).")
        @OptionGroup var db: DatabaseOptions
        @Option(help: "Unique name.") var name: String
        @Option(help: "Integration type: \(RelayApp.integrationTypeNames.joined(separator: ", ")).") var type: String
        @Option(help: "JSON file with the integrationConfig object.") var configFile: String

        func run() async throws {
            try await reportingErrors {
                let app = try await db.open()
                var draft = IntegrationService.Draft(json: .object([:]))
                draft.name = name
                draft.integrationType = type
                draft.integrationConfig = try IntegrationCommand.readConfig(configFile)
                let created = try await app.integrations.create(draft, by: "cli")
                print("Integration \(name) added with id \(created.id)")
            }
        }
    }

    struct Test: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send the integration its test message (or, for Okta, Qualys and Tenable, one read-only call).",
            discussion: "A passing test lifts a pause: refused credentials, a redirect, or nothing at the URL.")
        @OptionGroup var db: DatabaseOptions
        @Argument(help: IntegrationCommand.argumentHelp) var integration: String

        func run() async throws {
            try await reportingErrors {
                let app = try await db.open()
                let report = try await app.integrations.test(id: try await app.integrations.resolve(integration).id)
                guard report.success else {
                    printError(report.configValid ? report.description : ([report.description] + report.problems).joined(separator: " "))
                    throw ExitCode.failure
                }
                print(report.description)
            }
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change an integration: its integrationConfig from a JSON file, or its name.",
            discussion: """
                The file holds the whole integrationConfig, as for add. A secret written as ******** (as integration list \
                --json shows it) keeps the stored secret, unless the URL or host it is sent to changes: then give it again.
                """)
        @OptionGroup var db: DatabaseOptions
        @Argument(help: IntegrationCommand.argumentHelp) var integration: String
        @Option(help: "JSON file with the integrationConfig object.") var configFile: String?
        @Option(help: "A new unique name.") var name: String?

        func run() async throws {
            try await reportingErrors {
                guard configFile != nil || name != nil else {
                    throw ConfigErrors([ConfigError(field: "config-file", "give --config-file or --name: there is nothing to change")])
                }
                let app = try await db.open()
                let found = try await app.integrations.resolve(integration)
                var draft = IntegrationService.Draft(json: .object([:]))
                draft.name = name
                draft.integrationConfig = try configFile.map(IntegrationCommand.readConfig)
                let updated = try await app.integrations.update(id: found.id, with: draft, by: "cli")
                print("Integration \(updated.name) (\(updated.id)) updated. Test it with: prisma-relay integration test \(updated.name)")
            }
        }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Turn an integration on: what is queued for it is sent.")
        @OptionGroup var db: DatabaseOptions
        @Argument(help: IntegrationCommand.argumentHelp) var integration: String

        func run() async throws {
            try await reportingErrors {
                let integrations = try await db.open().integrations
                let found = try await integrations.setEnabled(id: try await integrations.resolve(integration).id, true, by: "cli")
                print("Integration \(found.name) enabled: serve sends what is queued for it in its next delivery round.")
            }
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Turn an integration off, keeping it: nothing is sent to it, and what rules queue for it waits.")
        @OptionGroup var db: DatabaseOptions
        @Argument(help: IntegrationCommand.argumentHelp) var integration: String

        func run() async throws {
            try await reportingErrors {
                let integrations = try await db.open().integrations
                let found = try await integrations.setEnabled(id: try await integrations.resolve(integration).id, false, by: "cli")
                print(
                    "Integration \(found.name) disabled: nothing is sent to it until prisma-relay integration enable \(found.name); what rules queue for it waits."
                )
            }
        }
    }

    /// The integrationConfig object in `path`.
    static func readConfig(_ path: String) throws -> JSONValue {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigErrors([ConfigError(field: "config-file", "cannot read \(path)")])
        }
        guard let config = try? JSONValue.parse(Array(data)) else {
            throw ConfigErrors([ConfigError(field: "config-file", "\(path) is not JSON")])
        }
        return config
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List integrations, secrets masked.")
        @OptionGroup var db: DatabaseOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await reportingErrors {
                let service = try await db.open().integrations
                let integrations = try await service.list()
                if json {
                    print(
                        JSONValue.array(
                            integrations.map { integration in
                                .object([
                                    "id": .string(integration.id), "name": .string(integration.name),
                                    "integrationType": .string(integration.type.rawValue),
                                    "enabled": .bool(integration.enabled),
                                    "integrationConfig": .object(service.masked(integration)),
                                ])
                            }
                        ).prettyJSONString())
                    return
                }
                var rows = [["ID", "NAME", "TYPE", "ENABLED"]]
                for integration in integrations {
                    rows.append([integration.id, integration.name, integration.type.rawValue, String(integration.enabled)])
                }
                print(table(rows))
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove an integration no rule uses.")
        @OptionGroup var db: DatabaseOptions
        @Argument(help: IntegrationCommand.argumentHelp) var integration: String

        func run() async throws {
            try await reportingErrors {
                let app = try await db.open()
                let found = try await app.integrations.resolve(integration)
                try await app.integrations.delete(found.id)
                print("Integration \(found.name) (\(found.id)) removed.")
            }
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show each integration's delivery status.")
        @OptionGroup var db: DatabaseOptions
        @Flag(help: "Print JSON: each integration's id, name and type with its status as the API answers it.") var json = false

        func run() async throws {
            try await reportingErrors {
                if json {
                    let all = try await db.open().deliveries.list().map { integration, health in
                        var object: JSONObject = [
                            "id": .string(integration.id), "name": .string(integration.name),
                            "integrationType": .string(integration.type.rawValue),
                        ]
                        for member in health.jsonValue.objectValue ?? [:] { object[member.key] = member.value }
                        return JSONValue.object(object)
                    }
                    print(JSONValue.array(all).prettyJSONString())
                    return
                }
                var rows = [["NAME", "TYPE", "STATUS", "QUEUED", "DELIVERED", "FAILED", "LAST DELIVERY", "OLDEST PENDING", "REASON"]]
                for (integration, health) in try await db.open().deliveries.list() {
                    rows.append([
                        integration.name, integration.type.rawValue, health.status.rawValue + (health.paused ? " (paused)" : ""),
                        String(health.queueDepth), String(health.delivered), String(health.failed), displayTime(health.lastDeliveryAt),
                        health.oldestPendingAt.map(displayTime) ?? "-", health.message ?? "",
                    ])
                }
                print(table(rows))
            }
        }
    }

    struct DeadLetters: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "dead-letters", abstract: "List an integration's dead letters.")
        @OptionGroup var db: DatabaseOptions
        @Argument(help: IntegrationCommand.argumentHelp) var integration: String

        func run() async throws {
            try await reportingErrors {
                let app = try await db.open()
                let id = try await app.integrations.resolve(integration).id
                var rows = [["SEQ", "EVENT", "ATTEMPTS", "FAILED AT", "REASON"]]
                for letter in try await app.deliveries.deadLetters(of: id) {
                    rows.append([String(letter.seq), letter.eventID, String(letter.attempts), displayTime(letter.failedAt), letter.reason])
                }
                print(table(rows))
            }
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Queue dead letters again (one with --seq, else all).")
        @OptionGroup var db: DatabaseOptions
        @Argument(help: IntegrationCommand.argumentHelp) var integration: String
        @Option(help: "Only this dead letter.") var seq: Int64?

        func run() async throws {
            try await reportingErrors {
                let app = try await db.open()
                let count = try await app.deliveries.retry(integrationID: try await app.integrations.resolve(integration).id, seq: seq)
                print("Queued \(count) dead letters again.")
            }
        }
    }

    struct Discard: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Discard one dead letter (kept on record, never sent).")
        @OptionGroup var db: DatabaseOptions
        @Argument(help: IntegrationCommand.argumentHelp) var integration: String
        @Option(help: "The dead letter to discard.") var seq: Int64

        func run() async throws {
            try await reportingErrors {
                let app = try await db.open()
                let found = try await app.integrations.resolve(integration)
                guard try await app.deliveries.discard(integrationID: found.id, seq: seq) else {
                    throw ConfigErrors([
                        ConfigError(
                            field: "seq",
                            "integration \(found.name) has no dead letter \(seq) (prisma-relay integration dead-letters \(integration) lists them)"
                        )
                    ])
                }
                print("Dead letter \(seq) discarded.")
            }
        }
    }
}
