import ArgumentParser
import Foundation
import Hummingbird
import Logging
import NIOCore
import Prometheus
import Relay
import RelayModel
import RelayServer

/// `prisma-relay serve`.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Run the relay: poll every connector on its interval and serve the API, until SIGINT or SIGTERM.")

    @OptionGroup var db: DatabaseOptions
    @Flag(help: "Do not migrate the database at start: refuse one that is behind (run prisma-relay db migrate first).")
    var noMigrate = false
    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on (0 picks a free one).") var port = 8080
    @Option(help: "PEM certificate chain, to serve HTTPS (with --tls-key).") var tlsCert: String?
    @Option(help: "PEM private key of the certificate.") var tlsKey: String?
    @Option(help: "Attempts per event before it becomes a dead letter (env PRISMA_RELAY_DELIVERY_MAX_ATTEMPTS; default 8).")
    var deliveryMaxAttempts: String?
    @Option(help: "How long an event is retried, e.g. 90m, 24h, 7d (env PRISMA_RELAY_DELIVERY_MAX_AGE; default 24h).")
    var deliveryMaxAge: String?
    @Option(help: "Requests in flight per integration (env PRISMA_RELAY_DELIVERY_CONCURRENCY; default 4).")
    var deliveryConcurrency: String?
    @Option(
        help:
            "On SIGTERM, how long requests and polls in flight may take before they are cancelled and left queued, e.g. 10s (env PRISMA_RELAY_SHUTDOWN_GRACE; default 10s)."
    )
    var shutdownGrace: String?
    @Option(
        help:
            "Seconds a connection may go without sending a complete request head, the next body part or its next request before it is closed."
    )
    var idleTimeout = 10
    @Option(help: "Connections open at once; more wait to be accepted.") var maxConnections = 256
    @Option(
        help:
            "Addresses (CIDR ranges) or host names connectors and integrations may reach although the default refuses them, comma-separated, e.g. 127.0.0.1,::1 (env PRISMA_RELAY_OUTBOUND_ALLOW)."
    )
    var outboundAllow: String?
    @Option(help: "Address ranges they may not reach, or private for every private range (env PRISMA_RELAY_OUTBOUND_DENY).")
    var outboundDeny: String?

    @Option(help: "A configuration file (as for apply) applied at start and again on each SIGHUP.") var config: String?
    @Option(help: "text (default) or json: one JSON object per line, for log pipelines.") var logFormat = "text"

    func run() async throws {
        try await reportingErrors {
            guard (tlsCert == nil) == (tlsKey == nil) else { throw ValidationError("--tls-cert and --tls-key go together") }
            switch logFormat {
            case "text": break
            case "json": LoggingSystem.bootstrap { JSONLogHandler(label: $0) }
            default: throw ValidationError("--log-format takes text or json, not \(logFormat)")
            }
            // The file's settings sit under the environment, which sits under the options.
            let fileSettings = try config.map { try ConfigurationService.settings(of: ConfigurationDocument.read(path: $0)) } ?? [:]
            let environment = ConfigurationSettings.environment(ProcessInfo.processInfo.environment, under: fileSettings)
            let delivery = try DeliverySettings.parse(
                maxAttempts: deliveryMaxAttempts, maxAge: deliveryMaxAge, concurrency: deliveryConcurrency, shutdownGrace: shutdownGrace,
                environment: environment)
            let outbound = try OutboundPolicy.from(environment: environment, allow: outboundAllow, deny: outboundDeny)
            let network = try NetworkSettings.from(environment: environment)
            var logger = Logger(label: "prisma-relay")
            logger.logLevel = .info
            let registry = PrometheusCollectorRegistry()
            let leaseSeconds = try Poller.leaseSeconds(environment: environment)
            var app = try await RelayApp.open(
                database: db.path, migrate: !noMigrate, delivery: delivery, outbound: outbound, network: network, logger: logger,
                metrics: RelayMetrics(factory: PrometheusMetricsFactory(registry: registry)))
            app.connectorLeaseSeconds = leaseSeconds
            app.configurationSettings = fileSettings
            if let config {
                // A file that does not check out stops the start: the relay never runs half of what it was given.
                if let error = await app.applyConfigurationFile(config, reason: "start") { throw error }
                app.configurationFile = config
            }
            let scheme = tlsCert == nil ? "http" : "https"
            if tlsCert == nil, !["127.0.0.1", "::1", "localhost"].contains(host) {
                logger.warning(
                    "serving plain HTTP on a non-loopback address: API keys, session cookies and integration secrets cross the network unencrypted; give --tls-cert and --tls-key, or put a TLS proxy in front and listen on 127.0.0.1",
                    metadata: ["host": .string(host)])
            }
            let application = try RelayServer.buildApplication(
                app: app, signingKey: app.apiSigningKey, registry: registry,
                options: .init(
                    host: host, port: port, tlsCertificate: tlsCert, tlsKey: tlsKey, idleTimeout: .seconds(max(1, idleTimeout)),
                    maxConnections: max(1, maxConnections))
            ) { [host, app] channel in
                print("PrismaRelay serving on \(scheme)://\(host):\(channel.localAddress?.port ?? 0) (database \(app.storeLocation))")
                fflush(nil)
                ServiceNotify.ready()
            }
            let deadline = ShutdownDeadline.arm(graceSeconds: delivery.shutdownGraceSeconds, services: app.services, logger: logger)
            defer { for source in deadline { source.cancel() } }
            try await application.runService()
        }
    }
}
