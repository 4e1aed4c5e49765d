import HTTPTypes
import Hummingbird
import Relay
import RelayModel

/// Guards the console: every page but sign-in and the stylesheet needs a live session (its cookie is HttpOnly,
/// SameSite=Strict, Secure over TLS), and every POST must carry the session's CSRF token — or, on the sign-in form,
/// the token of its own cookie. A form without it is refused.
struct ConsoleMiddleware: RouterMiddleware {
    typealias Context = RelayRequestContext
    let sessions: ConsoleSessionService
    let renderer: ConsoleRenderer
    let authenticator: APIAuthenticator
    static let sessionCookie = "relay_session"
    static let loginCookie = "relay_login"

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var request = request
        var context = context
        let path = request.uri.path
        if request.method == .post {
            let body = try await JSONResponse.collect(&request, limit: 1 << 20)
            context.form = FormData(String(buffer: body))
        }
        if path == "/console/assets/console.css" { return try await next(request, context) }
        if path == "/console/login" {
            if request.method == .post {
                guard let expected = request.cookies[Self.loginCookie]?.value, let given = context.form?["csrf"], sameToken(expected, given)
                else {
                    return refused()
                }
            }
            return try await next(request, context)
        }
        guard let id = request.cookies[Self.sessionCookie]?.value, let session = try await sessions.session(id) else {
            return ConsoleRenderer.redirect("/console/login")
        }
        // A session lasts only as long as its key: a revoked key's sessions end at their next page.
        guard try await authenticator.activeKey(id: session.keyID) != nil else {
            try await sessions.closeAll(keyID: session.keyID)
            return ConsoleRenderer.redirect("/console/login")
        }
        if request.method == .post {
            guard let given = context.form?["csrf"], sameToken(session.csrf, given) else { return refused() }
            if session.role == .readOnly, path != "/console/logout" {
                return renderer.page(
                    "message",
                    [
                        "session": Self.sessionValues(session), "heading": "This key is read-only",
                        "text": "The access key you signed in with may look but not change anything. Sign in with an admin key to do this.",
                        "back": "/console", "backLabel": "Back to the overview",
                    ], status: .forbidden)
            }
        }
        context.session = session
        do {
            return try await next(request, context)
        } catch let error as HTTPError {
            throw error
        } catch StoreError.unavailable(let reason) {
            throw StoreError.unavailable(reason)
        } catch {
            // A page that failed says why in words (an unknown connector, a store error), never as a bare 500.
            let known = error is StoreError || error is ConfigErrors
            return renderer.page(
                "message",
                [
                    "session": Self.sessionValues(session), "heading": "That did not work",
                    "text": String(describing: error), "back": "/console", "backLabel": "Back to the overview",
                ], status: known ? .badRequest : .internalServerError)
        }
    }

    /// What every page shows of the session: who signed in, the CSRF token, and whether its forms may change things.
    static func sessionValues(_ session: ConsoleSession) -> [String: Any] {
        ["keyName": session.keyName, "csrf": session.csrf, "canEdit": session.role == .admin]
    }

    func refused() -> Response {
        renderer.page(
            "message",
            [
                "heading": "This form cannot be accepted",
                "text":
                    "It expired or did not come from this console (its CSRF token is missing or wrong). Go back, reload the page and try again.",
                "back": "/console", "backLabel": "Go to the console",
            ], status: .forbidden)
    }
}

/// Constant-time comparison of two tokens.
func sameToken(_ a: String, _ b: String) -> Bool {
    let x = Array(a.utf8)
    let y = Array(b.utf8)
    guard x.count == y.count, !x.isEmpty else { return false }
    return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
}
