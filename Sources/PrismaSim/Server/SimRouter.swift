import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import RelayModel

/// The simulator's HTTP routes: the documented Prisma Cloud paths, each handed to `PrismaSimulator`.
public enum SimRouter {
    /// Builds the router for `simulator`.
    public static func build(_ simulator: PrismaSimulator) -> Router<BasicRequestContext> {
        let router = Router()
        router.post("login") { request, context in
            try await logged(simulator, request, issuesToken: true) { await simulator.login(try await simRequest(request, context)) }
        }
        router.get("auth_token/extend") { request, context in
            try await logged(simulator, request, issuesToken: true) { await simulator.extend(try await simRequest(request, context)) }
        }
        for path in ["v2/alert", "alert/v1/alert"] {
            router.post(RouterPath(path)) { request, context in
                try await logged(simulator, request) { await simulator.listAlerts(try await simRequest(request, context), method: "POST") }
            }
        }
        router.get("v2/alert") { request, context in
            try await logged(simulator, request) { await simulator.listAlerts(try await simRequest(request, context), method: "GET") }
        }
        router.post("alert/dismiss") { request, context in
            try await logged(simulator, request) {
                await simulator.changeAlertStatus(try await simRequest(request, context), reopen: false)
            }
        }
        router.post("alert/reopen") { request, context in
            try await logged(simulator, request) { await simulator.changeAlertStatus(try await simRequest(request, context), reopen: true) }
        }
        router.get("alert/dismiss/require_dismissal_note") { request, context in
            try await logged(simulator, request) { await simulator.dismissalNotePolicy(try await simRequest(request, context)) }
        }
        router.post("audit/api/v1/log") { request, context in
            try await logged(simulator, request) { await simulator.listAuditLogs(try await simRequest(request, context)) }
        }
        router.get("meta_info") { request, context in
            try await logged(simulator, request) { await simulator.metaInfo(try await simRequest(request, context)) }
        }
        // Compute console routes, with the tenant path (SaaS) and without it (self-hosted, or a URI missing it).
        for prefix in [":tenant/api/:version", "api/:version"] {
            router.post(RouterPath("\(prefix)/authenticate")) { request, context in
                guard let tenant = versionedTenant(context) else { return notFound() }
                return try await respond(await simulator.computeAuthenticate(simRequest(request, context), tenant: tenant.tenant))
            }
            router.get(RouterPath("\(prefix)/audits/incidents")) { request, context in
                guard let tenant = versionedTenant(context) else { return notFound() }
                return try await respond(await simulator.listIncidents(simRequest(request, context), tenant: tenant.tenant))
            }
            // Each audit stream at its own route (runtime, WAAS, Kubernetes admission and audits, access).
            for stream in ComputeAuditStream.allCases {
                router.get(RouterPath(prefix + stream.path.dropFirst("/api/v1".count))) { request, context in
                    guard let tenant = versionedTenant(context) else { return notFound() }
                    return try await respond(
                        await simulator.listRuntimeAudits(simRequest(request, context), tenant: tenant.tenant, stream: stream))
                }
            }
            router.patch(RouterPath("\(prefix)/audits/incidents/acknowledge/:id")) { request, context in
                guard let tenant = versionedTenant(context) else { return notFound() }
                let id = context.parameters.get("id") ?? ""
                return try await respond(await simulator.acknowledgeIncident(simRequest(request, context), tenant: tenant.tenant, id: id))
            }
        }
        return router
    }

    /// Where a Compute route was called: the tenant path, if any.
    struct ConsolePath {
        var tenant: String?
    }

    /// The console path of a Compute route, or nil when the API version is neither `v1` nor `vNN.NN`.
    static func versionedTenant(_ context: BasicRequestContext) -> ConsolePath? {
        guard let version = context.parameters.get("version"), version == "v1" || version.wholeMatch(of: /v\d{2}\.\d{2}/) != nil
        else { return nil }
        return ConsolePath(tenant: context.parameters.get("tenant"))
    }

    static func notFound() -> Response { Response(status: .notFound) }

    static func simRequest(_ request: Request, _ context: BasicRequestContext) async throws -> SimRequest {
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName] = field.value }
        // HTTPTypes moves Host into the authority pseudo-header.
        if let authority = request.head.authority { headers["host"] = authority }
        let query = request.uri.queryParameters.map { (String($0.key), String($0.value)) }
        let buffer = try await request.body.collect(upTo: 16 << 20)
        return SimRequest(headers: headers, query: query, body: Array(buffer.readableBytesView))
    }

    /// Answers a CSPM request and notes it in the simulator's request log, timed from arrival to answer. Only the
    /// answers of routes that `issuesToken` (login, extend) are read for the token they carry: alert pages are not
    /// parsed again.
    static func logged(
        _ simulator: PrismaSimulator, _ request: Request, issuesToken: Bool = false, _ answer: () async throws -> SimResponse
    ) async throws -> Response {
        let started = wallClock()
        let simResponse = try await answer()
        let response = try await respond(simResponse)
        let issued = issuesToken ? (try? JSONValue.parse(simResponse.body))?["token"]?.stringValue : nil
        await simulator.record(
            path: request.uri.path, token: issued ?? request.headers[HTTPField.Name("x-redlock-auth")!],
            status: simResponse.status, started: started, finished: wallClock())
        return response
    }

    static func wallClock() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

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
