import Hummingbird
import Relay
import RelayModel

/// The stored events over HTTP: pages by keyset with the number that match (`GET /api/v1/events`, the console's
/// filters as parameters), one event with what became of it at each integration and the actions taken on it
/// (`GET /api/v1/events/{id}`), and actions on its finding in Prisma Cloud (`POST /api/v1/events/{id}/actions`).
struct EventsController {
    let events: EventService
    let actions: ActionService

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
            object["deliveries"] = .array((try await events.deliveries(of: [id])[id] ?? []).map(\.jsonValue))
            object["actions"] = .array(try await actions.actions(of: event).map(\.jsonValue))
            return JSONResponse.ok(.object(object))
        }
        group.get(":id/actions") { _, context in
            let id = try context.parameters.require("id")
            guard let event = try await events.get(id) else {
                return JSONResponse.ok(.object(["error": .string("There is no stored event \(id).")]), status: .notFound)
            }
            return JSONResponse.ok(.object(["items": .array(try await actions.actions(of: event).map(\.jsonValue))]))
        }
        group.post(":id/actions") { request, context in
            let id = try context.parameters.require("id")
            let actor = "API key \(context.caller ?? "unknown")"
            let action: AlertAction
            do {
                let body = try await JSONResponse.body(request, limit: 16 << 10)
                guard let body, body.objectValue != nil else {
                    throw ConfigErrors([
                        ConfigError(field: "body", "must be a JSON object, e.g. {\"action\": \"dismiss\", \"note\": \"accepted risk\"}")
                    ])
                }
                action = try AlertAction(
                    action: try Self.text(body["action"], field: "action"), note: try Self.text(body["note"], field: "note"),
                    duration: try Self.text(body["duration"], field: "duration"), actor: actor)
            } catch let errors as ConfigErrors {
                return JSONResponse.invalid(errors, lead: "The action is not valid")
            }
            let record: ActionRecord
            do {
                record = try await actions.act(on: id, action, by: actor)
            } catch let refusal as ActionService.Refusal {
                let status: HTTPResponse.Status =
                    switch refusal {
                    case .noEvent: .notFound
                    case .actionsOff: .forbidden
                    default: .conflict
                    }
                return JSONResponse.ok(.object(["error": .string(refusal.description)]), status: status)
            }
            let status: HTTPResponse.Status =
                switch record.outcome {
                case .done, .alreadyDone: .ok
                case .refused: .unprocessableContent
                case .failed: .badGateway
                }
            var body: JSONObject = ["action": record.jsonValue]
            if !record.succeeded { body["error"] = .string(record.detail) }
            return JSONResponse.ok(.object(body), status: status)
        }
    }

    /// A string field of a body, or nil when absent; anything else is named as the problem.
    static func text(_ value: JSONValue?, field: String) throws(ConfigErrors) -> String? {
        guard let value, value != .null else { return nil }
        guard let text = value.stringValue else { throw ConfigErrors([ConfigError(field: field, "must be a string")]) }
        return text
    }
}
