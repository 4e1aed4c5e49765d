import Hummingbird
import Relay
import RelayModel

/// `GET /api/v1/replicas`: every `serve` process on the store (running, stopped or lost), with what each holds.
struct ReplicasController {
    let app: RelayApp

    func addRoutes(to router: Router<RelayRequestContext>) {
        router.get("api/v1/replicas") { [app] _, _ in
            let now = app.clock()
            return JSONResponse.ok(.array(try await app.replicas().map { $0.publicJSON(at: now) }))
        }
    }
}
