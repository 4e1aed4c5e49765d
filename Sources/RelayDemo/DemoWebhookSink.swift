import HTTPServing
import Hummingbird
import RelayModel

/// The webhook the demo delivers to: it accepts a JSON event (or array of events) with the bearer token it was
/// made with, counts what arrived and keeps the first event that Okta and Tenable both enriched.
actor DemoWebhookSink {
    let token: String
    /// Events that arrived.
    private(set) var deliveries = 0
    private(set) var enriched: JSONValue?

    init(token: String) {
        self.token = token
    }

    /// Counts one POST; refuses a wrong token (401) or a body that is not JSON (400), as a strict receiver would.
    func receive(authorization: String?, body: [UInt8]) -> HTTPResponse.Status {
        guard authorization == "Bearer \(token)" else { return .unauthorized }
        guard let json = try? JSONValue.parse(body) else { return .badRequest }
        let events = json.arrayValue ?? [json]
        deliveries += events.count
        if enriched == nil {
            enriched = events.first { event in
                event["enrichment"]?["okta"]?["users"]?.arrayValue?.isEmpty == false
                    && event["enrichment"]?["tenable"]?["hosts"]?.arrayValue?.isEmpty == false
            }
        }
        return .ok
    }

    /// Serves `POST /demo/webhook` on a free loopback port.
    func serve() async throws -> HTTPServerHandle {
        let router = Router()
        router.post("demo/webhook") { [self] request, _ -> Response in
            let body = try await request.body.collect(upTo: 8 << 20)
            let status = await receive(authorization: request.headers[.authorization], body: Array(buffer: body))
            return Response(status: status)
        }
        return try await HTTPServerHandle.start(router: router)
    }
}
