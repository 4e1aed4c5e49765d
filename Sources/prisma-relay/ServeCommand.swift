import ArgumentParser
import Foundation
import Logging
import Prometheus
import Relay
import RelayModel
import RelayServer
import RelayStore

/// `prisma-relay serve`.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Run the relay: poll every connector on its interval and serve the API, until SIGINT or SIGTERM.")

    @OptionGroup var db: DatabaseOptions
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

    func run() async throws {
        try await reportingErrors {
            guard (tlsCert == nil) == (tlsKey == nil) else { throw ValidationError("--tls-cert and --tls-key go together") }
            let delivery = try DeliverySettings.parse(
                maxAttempts: deliveryMaxAttempts, maxAge: deliveryMaxAge, concurrency: deliveryConcurrency,
                environment: ProcessInfo.processInfo.environment)
            let store = try SQLiteStore(path: db.path)
            var logger = Logger(label: "prisma-relay")
            logger.logLevel = .info
            let registry = PrometheusCollectorRegistry()
            let app = RelayApp(store: store, delivery: delivery, logger: logger, metrics: RelayMetrics(factory: PrometheusMetricsFactory(registry: registry)))
            let scheme = tlsCert == nil ? "http" : "https"
            let application = try RelayServer.buildApplication(
                app: app, signingKey: store.secretBox.derivedKey(purpose: "api-jwt"), registry: registry,
                options: .init(host: host, port: port, tlsCertificate: tlsCert, tlsKey: tlsKey)
            ) { [host] channel in
                print("PrismaRelay serving on \(scheme)://\(host):\(channel.localAddress?.port ?? 0) (database \(store.path))")
                fflush(nil)
            }
            try await application.runService()
        }
    }
}
