import RelayModel
import HTTPTypes
import Hummingbird
import RelayModel
import RelayStore

/// Guards the console: every page but sign-in and the stylesheet needs a live session (its cookie is HttpOnly,
/// SameSite=Strict, Secure over TLS), and every POST must carry the session's CSRF token — or, on the sign-in form,
/// the token of its own cookie. A form without it is refused.
struct ConsoleMiddleware: RouterMiddleware {
    typealias Context = RelayRequestContext
    let sessions: ConsoleSessions
    let renderer: ConsoleRenderer
    static let sessionCookie = "relay_session"
    static let loginCookie = "relay_login"

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var request = request
        var context = context
        let path = request.uri.path
        if request.method == .post {
            let body = try await request.collectBody(upTo: 1 << 20)
            context.form = FormData(String(buffer: body))
        }
        if path == "/console/assets/console.css" { return try await next(request, context) }
        if path == "/console/login" {
            if request.method == .post {
                guard let expected = request.cookies[Self.loginCookie]?.value, let given = context.form?["csrf"], sameToken(expected, given) else {
                    return refused()
                }
            }
            return try await next(request, context)
        }
        guard let id = request.cookies[Self.sessionCookie]?.value, let session = await sessions.session(id) else {
            return ConsoleRenderer.redirect("/console/login")
        }
        if request.method == .post {
            guard let given = context.form?["csrf"], sameToken(session.csrf, given) else { return refused() }
        }
        context.session = session
        do {
            return try await next(request, context)
        } catch let error as HTTPError {
            throw error
        } catch {
            // A page that failed says why in words (an unknown connector, a store error), never as a bare 500.
            let known = error is StoreError || error is ConfigErrors
            return renderer.page(
                "message",
                [
                    "session": ["keyName": session.keyName, "csrf": session.csrf], "heading": "That did not work",
                    "text": String(describing: error), "back": "/console", "backLabel": "Back to the overview",
                ], status: known ? .badRequest : .internalServerError)
        }
    }

    func refused() -> Response {
        renderer.page(
            "message",
            [
                "heading": "This form cannot be accepted",
                "text": "It expired or did not come from this console (its CSRF token is missing or wrong). Go back, reload the page and try again.",
                "back": "/console", "backLabel": "Go to the console",
            ], status: .forbidden)
    }
}
