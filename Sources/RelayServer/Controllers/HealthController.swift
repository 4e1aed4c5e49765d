import Hummingbird
import RelayModel

/// `GET /healthz`: answers without credentials while the server runs.
struct HealthController {
    func addRoutes(to router: Router<RelayRequestContext>) {
        router.get("healthz") { _, _ in JSONResponse.ok(.object(["status": .string("ok")])) }
    }
}
