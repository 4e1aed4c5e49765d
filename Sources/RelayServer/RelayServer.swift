import Crypto
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import NIOCore
import NIOSSL
import Prometheus
import Relay
import RelayModel

/// Builds the relay's HTTP API over a `RelayApp`: the same function serves `serve` and the tests.
public enum RelayServer {
    /// The router with every API controller behind the auth middleware, and the console with its own sign-in.
    /// `secure` says the relay serves HTTPS, so the console's cookies are marked Secure.
    public static func buildRouter(
        app: RelayApp, signingKey: SymmetricKey, registry: PrometheusCollectorRegistry, secure: Bool = false
    ) throws -> Router<RelayRequestContext> {
        let router = Router(context: RelayRequestContext.self)
        let renderer = try ConsoleRenderer()
        if secure { router.add(middleware: TransportSecurityMiddleware()) }
        router.add(middleware: StoreOutageMiddleware(renderer: renderer, logger: app.logger))
        let authenticator = APIAuthenticator(
            keys: app.apiKeys, signingKey: signingKey, clock: app.clock, logger: app.logger, metrics: app.metrics)
        router.add(middleware: AuthMiddleware(authenticator: authenticator))
        HealthController(app: app).addRoutes(to: router)
        MetricsController(registry: registry, app: app).addRoutes(to: router)
        AuthController(authenticator: authenticator).addRoutes(to: router)
        IntegrationsController(
            service: app.integrations, rules: { try await app.rules.list() },
            health: { try await app.deliveries.health(of: $0) }
        ).addRoutes(to: router)
        AlertRulesController(rules: app.rules).addRoutes(to: router)
        ConnectorsController(app: app).addRoutes(to: router)
        DeliveriesController(deliveries: app.deliveries).addRoutes(to: router)
        EventsController(events: app.events, actions: app.actions).addRoutes(to: router)
        InboundController(actions: app.actions).addRoutes(to: router)
        ReplicasController(app: app).addRoutes(to: router)
        APIKeysController(keys: app.apiKeys).addRoutes(to: router)
        ConsoleController(
            app: app, renderer: renderer, sessions: app.consoleSessions, authenticator: authenticator,
            integrations: app.integrations, secure: secure
        ).addRoutes(to: router)
        router.get("/") { _, _ in ConsoleRenderer.redirect("/console") }
        return router
    }
}

extension RelayServer {
    /// Where and how `serve` listens.
    public struct Options: Sendable {
        public var host: String
        public var port: Int
        /// PEM files; both given means HTTPS.
        public var tlsCertificate: String?
        public var tlsKey: String?
        /// A connection that sends no complete request head, no next body part or no next request for this long is
        /// closed: slow or half-sent requests cannot hold the server.
        public var idleTimeout: Duration
        /// Connections open at once; more wait to be accepted.
        public var maxConnections: Int
        public init(
            host: String = "127.0.0.1", port: Int = 8080, tlsCertificate: String? = nil, tlsKey: String? = nil,
            idleTimeout: Duration = .seconds(10), maxConnections: Int = 256
        ) {
            self.host = host
            self.port = port
            self.tlsCertificate = tlsCertificate
            self.tlsKey = tlsKey
            self.idleTimeout = idleTimeout
            self.maxConnections = maxConnections
        }
    }

    /// The whole service: the API and the poll scheduler, stopped gracefully on SIGINT or SIGTERM.
    public static func buildApplication(
        app: RelayApp, signingKey: SymmetricKey, registry: PrometheusCollectorRegistry, options: Options,
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) throws -> some ApplicationProtocol {
        let http1 = HTTP1Channel.Configuration(idleTimeout: .nanoseconds(options.idleTimeout.wholeNanoseconds))
        var server = HTTPServerBuilder.http1(configuration: http1)
        if let certificate = options.tlsCertificate, let key = options.tlsKey {
            server = try .tls(.http1(configuration: http1), tlsConfiguration: .server(certificateFile: certificate, keyFile: key))
        }
        return Application(
            router: try buildRouter(app: app, signingKey: signingKey, registry: registry, secure: options.tlsCertificate != nil),
            server: server,
            configuration: .init(
                address: .hostname(options.host, port: options.port), serverName: "prisma-relay",
                availableConnectionsDelegate: MaximumAvailableConnections(options.maxConnections)),
            services: app.backgroundServices,
            onServerRunning: onServerRunning, logger: app.logger)
    }
}
