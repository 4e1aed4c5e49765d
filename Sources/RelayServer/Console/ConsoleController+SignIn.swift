import RelayModel
import Foundation
import Hummingbird

extension ConsoleController {
    /// The sign-in form, with a CSRF token bound to a short-lived cookie of its own.
    func signInPage(error: String? = nil, keyID: String? = nil) -> Response {
        let token = ConsoleSessions.token()
        var page: [String: Any] = ["csrf": token]
        if let error { page["error"] = error }
        if let keyID { page["keyId"] = keyID }
        var response = renderer.page("login", page, status: error == nil ? .ok : .unauthorized)
        response.setCookie(Cookie(
            name: ConsoleMiddleware.loginCookie, value: token, maxAge: 1800, path: "/console/login", secure: secure, httpOnly: true,
            sameSite: .strict))
        return response
    }

    /// Checks the access key pair and opens a session.
    func signIn(_ context: RelayRequestContext) async throws -> Response {
        let form = context.form ?? FormData("")
        guard let keyID = form["keyId"], let secret = form["secret"],
            let verified = try await authenticator.verify(id: keyID, secret: secret),
            let key = try await app.store.apiKey(id: verified)
        else {
            return signInPage(
                error: "That access key ID and secret key do not match a key of this relay. Make one with prisma-relay token create.",
                keyID: form["keyId"])
        }
        let session = await sessions.open(keyID: key.id, keyName: key.name)
        var response = ConsoleRenderer.redirect("/console")
        response.setCookie(Cookie(
            name: ConsoleMiddleware.sessionCookie, value: session.id, path: "/console", secure: secure, httpOnly: true, sameSite: .strict))
        return response
    }

    func signOut(_ request: Request, _ context: RelayRequestContext) async -> Response {
        if let session = context.session { await sessions.close(session.id) }
        var response = ConsoleRenderer.redirect("/console/login")
        response.setCookie(Cookie(
            name: ConsoleMiddleware.sessionCookie, value: "", maxAge: 0, path: "/console", secure: secure, httpOnly: true, sameSite: .strict))
        return response
    }
}
