import HTTPTypes
import Hummingbird
import RelayModel

/// Lets a request through only with a credential of a live key: `Authorization: Bearer KEYID:SECRET` or a JWT
/// from `/login` in `x-redlock-auth`. `/healthz`, `/readyz` and `/login` need none; the console (`/console…`) has its own
/// sign-in, and destinations calling back (`/api/v1/inbound/…`) sign their calls. A read-only key may only read (GET and
/// HEAD).
struct AuthMiddleware: RouterMiddleware {
    typealias Context = RelayRequestContext
    let authenticator: APIAuthenticator
    static let open: Set<String> = ["/healthz", "/readyz", "/login"]
    static let inbound = "/api/v1/inbound/"

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // Destinations calling back (two-way sync) hold no API key: their calls are signed instead.
        guard !Self.open.contains(request.uri.path), !request.uri.path.hasPrefix("/console"),
            !request.uri.path.hasPrefix(Self.inbound)
        else {
            return try await next(request, context)
        }
        var context = context
        let result: Result<APIKey, APIAuthenticator.Refusal>
        if let token = request.headers[HTTPField.Name("x-redlock-auth")!] {
            result = try await authenticator.key(forToken: token, client: context.clientAddress)
        } else if let authorization = request.headers[.authorization], authorization.lowercased().hasPrefix("bearer ") {
            let pair = authorization.dropFirst(7).split(separator: ":", maxSplits: 1).map(String.init)
            guard pair.count == 2 else { return JSONResponse.redlock(.unauthorized, "invalid_credentials") }
            result = try await authenticator.signIn(id: pair[0], secret: pair[1], client: context.clientAddress)
        } else {
            return JSONResponse.redlock(
                .unauthorized, "auth_token_missing",
                subjects: ["send Authorization: Bearer KEYID:SECRET, or x-redlock-auth with a JWT from POST /login"])
        }
        switch result {
        case .success(let key):
            context.caller = key.id
            context.role = key.role
        case .failure(let refusal):
            return Self.answer(refusal)
        }
        if context.role == .readOnly, request.method != .get, request.method != .head {
            return JSONResponse.redlock(
                .forbidden, "read_only_key",
                subjects: ["this access key is read-only: use an admin key to change configuration or run actions"])
        }
        return try await next(request, context)
    }

    /// The answer to a refused credential, in Prisma's `x-redlock-status` form.
    static func answer(_ refusal: APIAuthenticator.Refusal) -> Response {
        switch refusal {
        case .invalid: return JSONResponse.redlock(.unauthorized, "invalid_credentials")
        case .expired: return JSONResponse.redlock(.unauthorized, "token_expired")
        case .revoked: return JSONResponse.redlock(.unauthorized, "access_key_revoked", subjects: ["this access key was revoked"])
        case .throttled(let seconds):
            var response = JSONResponse.redlock(
                .tooManyRequests, "too_many_failed_attempts",
                subjects: ["too many refused secrets for this key or address: try again in \(seconds) s"])
            response.headers[.retryAfter] = String(seconds)
            return response
        }
    }
}
