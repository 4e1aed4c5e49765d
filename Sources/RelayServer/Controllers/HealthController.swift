import Hummingbird
import Relay
import RelayModel

/// `GET /healthz`: answers without credentials while the process runs (for restarts by an orchestrator).
/// `GET /readyz`: 200 while the database answers and its schema is current, else 503 with the reason (for load
/// balancers: a replica that cannot reach the database takes no traffic).
struct HealthController {
    let app: RelayApp

    func addRoutes(to router: Router<RelayRequestContext>) {
        router.get("healthz") { _, _ in JSONResponse.ok(.object(["status": .string("ok")])) }
        router.get("readyz") { [app] _, _ in
            do {
                try await app.readiness()
                return JSONResponse.ok(.object(["status": .string("ready"), "replica": .string(app.workerID)]))
            } catch {
                return JSONResponse.ok(
                    .object(["status": .string("unavailable"), "replica": .string(app.workerID), "reason": .string("\(error)")]),
                    status: .serviceUnavailable)
            }
        }
    }
}
