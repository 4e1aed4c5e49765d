import ArgumentParser

/// `prisma-relay`: collect Prisma Cloud findings and deliver them where the security team works.
@main
struct PrismaRelayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prisma-relay",
        abstract: "Pull Prisma Cloud alerts into a durable store and deliver them to your tools.",
        version: BuildInfo.description,
        subcommands: [
            DemoCommand.self, SimCommand.self, ConnectorCommand.self, EventsCommand.self, SecretsCommand.self, ServeCommand.self,
            TokenCommand.self, IntegrationCommand.self, RuleCommand.self, DatabaseCommand.self, ReplicasCommand.self, ApplyCommand.self,
            ExportCommand.self, AlertCommand.self,
        ])
}
