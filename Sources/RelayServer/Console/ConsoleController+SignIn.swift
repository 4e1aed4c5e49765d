import Foundation
import Hummingbird
import Relay
import RelayModel

extension ConsoleController {
    /// The sign-in form, with a CSRF token bound to a short-lived cookie of its own.
    func signInPage(error: String? = nil, keyID: String? = nil) -> Response {
        let token = ConsoleSessionService.token()
        var page: [String: Any] = ["csrf": token]
        if let error { page["error"] = error }
        if let keyID { page["keyId"] = keyID }
        var response = renderer.page("login", page, status: error == nil ? .ok : .unauthorized)
        response.setCookie(
            Cookie(
                name: ConsoleMiddleware.loginCookie, value: token, maxAge: 1800, path: "/console/login", secure: secure, httpOnly: true,
                sameSite: .strict))
        return response
    }

    /// Checks the access key pair and opens a session.
    func signIn(_ context: RelayRequestContext) async throws -> Response {
        let form = context.form ?? FormData("")
        let refusal: APIAuthenticator.Refusal
        if let keyID = form["keyId"], let secret = form["secret"] {
            switch try await authenticator.signIn(id: keyID, secret: secret, client: context.clientAddress) {
            case .success(let key):
                let session = try await sessions.open(keyID: key.id, keyName: key.name, role: key.role)
                var response = ConsoleRenderer.redirect("/console")
                response.setCookie(
                    Cookie(
                        name: ConsoleMiddleware.sessionCookie, value: session.id, path: "/console", secure: secure, httpOnly: true,
                        sameSite: .strict))
                return response
            case .failure(let why): refusal = why
            }
        } else {
            refusal = .invalid
        }
        switch refusal {
        case .throttled(let seconds):
            return signInPage(
                error: "Too many refused attempts for this key or from this address: wait \(seconds) seconds, then try again.",
                keyID: form["keyId"])
        case .revoked:
            return signInPage(
                error: "This access key was revoked. Sign in with another key, or make one with prisma-relay token create.",
                keyID: form["keyId"])
        default:
            return signInPage(
                error: "That access key ID and secret key do not match a key of this relay. Make one with prisma-relay token create.",
                keyID: form["keyId"])
        }
    }

    func signOut(_ request: Request, _ context: RelayRequestContext) async -> Response {
        if let session = context.session { try? await sessions.close(session.id) }
        var response = ConsoleRenderer.redirect("/console/login")
        response.setCookie(
            Cookie(
                name: ConsoleMiddleware.sessionCookie, value: "", maxAge: 0, path: "/console", secure: secure, httpOnly: true,
                sameSite: .strict))
        return response
    }
}
