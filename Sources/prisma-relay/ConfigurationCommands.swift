import ArgumentParser
import Foundation
import Relay

/// `apply -f relay.yaml`: the plan of what the file changes, applied with `--yes`.
struct ApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Show what a configuration file (YAML or JSON) would add, change and remove; apply it with --yes.",
        discussion: """
            The file declares connectors, integrations (Prisma Cloud's integrationConfig keys) and alert rules. Secrets are
            never written in it: ${env:NAME} and ${file:/path} stand for them and are read now. Everything is checked first and
            applied in one transaction, or not at all; applying the same file again changes nothing.
            """)

    @OptionGroup var db: DatabaseOptions
    @Option(name: [.customShort("f"), .long], help: "The configuration file.") var file: String
    @Flag(help: "Apply the plan (without it, only show it).") var yes = false
    @Flag(help: "Also remove the connectors, integrations and rules the file does not name.") var prune = false

    func run() async throws {
        try await reportingErrors {
            let document = try ConfigurationDocument.read(path: file)
            let app = try await db.open()
            let plan = try await app.configuration.plan(document, prune: prune)
            print(plan.description)
            guard !plan.isEmpty else { return }
            guard yes else {
                print("Nothing was changed: run again with --yes to apply this plan.")
                return
            }
            try await app.configuration.apply(plan)
            print("Applied.")
        }
    }
}

/// `export`: the stored configuration as a file `apply` reads back.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the stored connectors, integrations and rules as a configuration file, secrets as ${env:…} references.")

    @OptionGroup var db: DatabaseOptions
    @Option(name: [.customShort("o"), .long], help: "Where to write it (default: standard output).") var output: String?

    func run() async throws {
        try await reportingErrors {
            let text = try await db.open().configuration.export()
            guard let output else {
                print(text, terminator: "")
                return
            }
            try Data(text.utf8).write(to: URL(fileURLWithPath: output))
            print("Wrote \(output).")
        }
    }
}
