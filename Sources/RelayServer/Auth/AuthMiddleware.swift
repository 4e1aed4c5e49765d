import Hummingbird
import HTTPTypes

/// Lets a request through only with a credential: `Authorization: Bearer KEYID:SECRET` or a JWT from `/login` in
/// `x-redlock-auth`. `/healthz` and `/login` need none; the console (`/console…`) has its own sign-in.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = RelayRequestContext
    let authenticator: APIAuthenticator
    static let open: Set<String> = ["/healthz", "/login"]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard !Self.open.contains(request.uri.path), !request.uri.path.hasPrefix("/console") else { return try await next(request, context) }
        var context = context
        if let token = request.headers[HTTPField.Name("x-redlock-auth")!] {
            switch authenticator.verifyToken(token) {
            case .success(let keyID): context.caller = keyID
            case .failure(.expired): return JSONResponse.redlock(.unauthorized, "token_expired")
            case .failure(.invalid): return JSONResponse.redlock(.unauthorized, "invalid_token")
            }
        } else if let authorization = request.headers[.authorization], authorization.lowercased().hasPrefix("bearer ") {
            let pair = authorization.dropFirst(7).split(separator: ":", maxSplits: 1).map(String.init)
            guard pair.count == 2, let keyID = try await authenticator.verify(id: pair[0], secret: pair[1]) else {
                return JSONResponse.redlock(.unauthorized, "invalid_credentials")
            }
            context.caller = keyID
        } else {
            return JSONResponse.redlock(.unauthorized, "auth_token_missing", subjects: ["send Authorization: Bearer KEYID:SECRET, or x-redlock-auth with a JWT from POST /login"])
        }
        return try await next(request, context)
    }
}
