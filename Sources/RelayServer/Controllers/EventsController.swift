import Hummingbird
import Relay
import RelayModel

/// The stored events over HTTP: pages by keyset with the number that match (`GET /api/v1/events`, the console's
/// filters as parameters), and one event with what became of it at each integration (`GET /api/v1/events/{id}`).
struct EventsController {
    let events: EventService

    func addRoutes(to router: Router<RelayRequestContext>) {
        let group = router.group("api/v1/events")
        group.get { request, _ in
            let query: EventQuery
            do {
                query = try EventQuery { request.uri.queryParameters.get($0) }
            } catch let errors as ConfigErrors {
                return JSONResponse.invalid(errors, lead: "The event query is not valid")
            }
            let page = try await events.page(query)
            return JSONResponse.ok(
                .object([
                    "items": .array(page.events.map(\.jsonValue)), "totalRows": .int(try await events.count(query)),
                    "nextPageToken": .optional(page.next?.description),
                ]))
        }
        group.get(":id") { _, context in
            let id = try context.parameters.require("id")
            guard let event = try await events.get(id) else {
                return JSONResponse.ok(.object(["error": .string("There is no stored event \(id).")]), status: .notFound)
            }
            guard case .object(var object) = event.jsonValue else { return JSONResponse.ok(event.jsonValue) }
            object["deliveries"] = .array(
                (try await events.deliveries(of: [id])[id] ?? []).map { delivery in
                    .object([
                        "integrationId": .string(delivery.integrationID), "state": .string(delivery.state),
                        "attempts": .int(delivery.attempts), "lastError": .optional(delivery.lastError),
                        "finishedAt": .optional(delivery.finishedAt.map(Timestamp.rfc3339(epochMilliseconds:))),
                    ])
                })
            return JSONResponse.ok(.object(object))
        }
    }
}
