import Hummingbird
import RelayModel

/// Prisma-style authentication: `POST /login` exchanges an access key pair for a JWT; `GET /auth_token/extend`
/// renews one; `GET /license` names the tenant id that v1 routes carry.
struct AuthController {
    let authenticator: APIAuthenticator
    static let prismaId = "1"

    func addRoutes(to router: Router<RelayRequestContext>) {
        router.post("login") { request, context in
            guard let body = try await JSONResponse.body(request), let id = body["username"]?.stringValue,
                let secret = body["password"]?.stringValue
            else {
                return JSONResponse.redlock(
                    .badRequest, "invalid_credentials", subjects: ["send {\"username\": KEY_ID, \"password\": SECRET}"])
            }
            switch try await authenticator.signIn(id: id, secret: secret, client: context.clientAddress) {
            case .success(let key): return JSONResponse.ok(tokenBody(authenticator.issueToken(for: key.id)))
            case .failure(let refusal): return AuthMiddleware.answer(refusal)
            }
        }
        // The auth middleware has checked the caller's key is live: a revoked key cannot extend its tokens.
        router.get("auth_token/extend") { _, context in
            JSONResponse.ok(tokenBody(authenticator.issueToken(for: context.caller ?? "")))
        }
        router.get("license") { _, _ in JSONResponse.ok(.object(["prismaId": .string(Self.prismaId)])) }
    }

    func tokenBody(_ token: String) -> JSONValue {
        .object([
            "token": .string(token), "message": .string("login_successful"),
            "customerNames": .array([
                .object([
                    "customerName": .string("PrismaRelay"), "prismaId": .string(Self.prismaId), "tosAccepted": .bool(true),
                ])
            ]),
        ])
    }
}
