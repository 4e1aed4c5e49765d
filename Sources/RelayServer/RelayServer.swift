import Crypto
import Hummingbird
import Relay
import RelayModel
import RelayStore

/// Builds the relay's HTTP API over a `RelayApp`: the same function serves `serve` and the tests.
public enum RelayServer {
    /// The router with every controller behind the auth middleware.
    public static func buildRouter(app: RelayApp, signingKey: SymmetricKey) -> Router<RelayRequestContext> {
        let router = Router(context: RelayRequestContext.self)
        let authenticator = APIAuthenticator(store: app.store, signingKey: signingKey, clock: app.clock)
        router.add(middleware: AuthMiddleware(authenticator: authenticator))
        HealthController().addRoutes(to: router)
        AuthController(authenticator: authenticator).addRoutes(to: router)
        IntegrationsController(service: IntegrationService(store: app.store, clock: app.clock), rules: { try await app.store.rules() })
            .addRoutes(to: router)
        AlertRulesController(store: app.store).addRoutes(to: router)
        return router
    }
}
