import Hummingbird
import HTTPTypes
import NIOCore

/// The simulator's HTTP routes: the documented Prisma Cloud paths, each handed to `PrismaSimulator`.
public enum SimRouter {
    /// Builds the router for `simulator`.
    public static func build(_ simulator: PrismaSimulator) -> Router<BasicRequestContext> {
        let router = Router()
        router.post("login") { request, context in
            try await respond(await simulator.login(simRequest(request, context)))
        }
        router.get("auth_token/extend") { request, context in
            try await respond(await simulator.extend(simRequest(request, context)))
        }
        for path in ["v2/alert", "alert/v1/alert"] {
            router.post(RouterPath(path)) { request, context in
                try await respond(await simulator.listAlerts(simRequest(request, context), method: "POST"))
            }
        }
        router.get("v2/alert") { request, context in
            try await respond(await simulator.listAlerts(simRequest(request, context), method: "GET"))
        }
        return router
    }

    static func simRequest(_ request: Request, _ context: BasicRequestContext) async throws -> SimRequest {
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName] = field.value }
        let query = request.uri.queryParameters.map { (String($0.key), String($0.value)) }
        let buffer = try await request.body.collect(upTo: 16 << 20)
        return SimRequest(headers: headers, query: query, body: Array(buffer.readableBytesView))
    }

    static func respond(_ response: SimResponse) async throws -> Response {
        if response.delayMillis > 0 { try await Task.sleep(for: .milliseconds(response.delayMillis)) }
        var fields = HTTPFields()
        for (name, value) in response.headers {
            if let field = HTTPField.Name(name) { fields.append(HTTPField(name: field, value: value)) }
        }
        return Response(
            status: HTTPResponse.Status(code: response.status), headers: fields,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: response.body)))
    }
}
