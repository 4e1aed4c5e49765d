import Foundation
import Hummingbird
import Relay
import RelayModel

/// The web console, server-rendered over the same services as the API (no second source of truth): sign-in, the
/// overview, connectors and their collection status, integrations and dead letters, alert rules, and events.
struct ConsoleController {
    let app: RelayApp
    let renderer: ConsoleRenderer
    let sessions: ConsoleSessionService
    let authenticator: APIAuthenticator
    let integrations: IntegrationService
    /// Cookies get `Secure` when the relay serves HTTPS.
    let secure: Bool

    func addRoutes(to router: Router<RelayRequestContext>) {
        let console = router.group("console").add(
            middleware: ConsoleMiddleware(sessions: sessions, renderer: renderer, authenticator: authenticator))
        console.get("assets/console.css") { _, _ in renderer.css() }
        console.get("login") { _, _ in signInPage() }
        console.post("login") { _, context in try await signIn(context) }
        console.post("logout") { request, context in await signOut(request, context) }
        console.get("") { _, context in try await overview(context) }
        addConnectorRoutes(to: console)
        addConnectorPageRoutes(to: console)
        addIntegrationRoutes(to: console)
        addIntegrationPageRoutes(to: console)
        addRuleRoutes(to: console)
        addEventRoutes(to: console)
        addKeyRoutes(to: console)
    }

    /// What every signed-in page shows: the session (for the header and CSRF fields), the current section and a
    /// waiting message.
    func base(_ context: RelayRequestContext, section: String) async -> [String: Any] {
        var page: [String: Any] = ["nav\(section)": true]
        if let session = context.session {
            page["session"] = ConsoleMiddleware.sessionValues(session)
            if let flash = try? await sessions.takeFlash(session), var parts = ConsoleFormat.error(flash.text) {
                parts["kind"] = flash.kind
                page["flash"] = parts
            }
        }
        return page
    }

    /// Redirects to `location` with a message for the next page.
    func done(_ context: RelayRequestContext, _ location: String, _ text: String, ok: Bool = true, kind: String? = nil) async -> Response {
        if let session = context.session { try? await sessions.flash(session.id, kind ?? (ok ? "ok" : "bad"), text) }
        return ConsoleRenderer.redirect(location)
    }

    /// Asks before deleting: `question` says what deleting does; the form posts to `action`.
    func confirmDelete(_ context: RelayRequestContext, section: String, what: String, question: String, action: String, back: String) async
        -> Response
    {
        var page = await base(context, section: section)
        page["heading"] = "Delete \(what)"
        page["question"] = question
        page["action"] = action
        page["confirmLabel"] = "Delete"
        page["back"] = back
        return renderer.page("confirm", page)
    }

    /// A page for something that does not exist.
    func notFound(_ context: RelayRequestContext, _ text: String, back: String) async -> Response {
        var page = await base(context, section: "")
        page["heading"] = "Not found"
        page["text"] = text
        page["back"] = back
        page["backLabel"] = "Back"
        return renderer.page("message", page, status: .notFound)
    }
}
