import HTTPTypes
import Hummingbird
import Relay
import RelayModel

/// What destinations call back with, for two-way sync (`POST /api/v1/inbound/pagerduty/{integration}`). These routes
/// take no API key: a destination cannot hold one. Each call is authenticated by its signature instead, checked
/// against the integration's own secret before anything is read.
struct InboundController {
    let actions: ActionService

    func addRoutes(to router: Router<RelayRequestContext>) {
        router.post("api/v1/inbound/pagerduty/:integration") { request, context in
            var request = request
            let body = Array(try await JSONResponse.collect(&request, limit: 64 << 10).readableBytesView)
            let answer = try await actions.pagerDutyWebhook(
                integrationID: try context.parameters.require("integration"), body: body,
                signatures: request.headers[HTTPField.Name("X-PagerDuty-Signature")!])
            return JSONResponse.ok(
                .object(["message": .string(answer.message)]), status: HTTPResponse.Status(code: answer.status))
        }
    }
}
