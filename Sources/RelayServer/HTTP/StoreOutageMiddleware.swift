import HTTPTypes
import Hummingbird
import Logging
import RelayModel

/// Answers 503 with the reason while the relay's database cannot be reached (a PostgreSQL server down or
/// restarting): every API request and console page needs it, if only to check the caller's key. The API gets
/// Prisma's error form with `Retry-After`; the console a page that says what is happening and that nothing is lost.
struct StoreOutageMiddleware: RouterMiddleware {
    typealias Context = RelayRequestContext
    let renderer: ConsoleRenderer
    let logger: Logger
    /// Seconds a client is asked to wait before trying again.
    static let retryAfter = 10

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch StoreError.unavailable(let reason) {
            logger.warning(
                "request failed: database unreachable", metadata: ["path": .string(request.uri.path), "reason": .string(reason)])
            var response: Response
            if request.uri.path.hasPrefix("/console") {
                response = renderer.page(
                    "message",
                    [
                        "heading": "The relay's database cannot be reached",
                        "text": "\(reason). Nothing is lost: polls and deliveries wait, and everything resumes by itself "
                            + "when the database answers again. This page works again then.",
                        "back": request.uri.path, "backLabel": "Try again",
                    ], status: .serviceUnavailable)
            } else {
                response = JSONResponse.redlock(
                    .serviceUnavailable, "database_unavailable",
                    subjects: [
                        "the relay's database cannot be reached: \(reason). Nothing is lost; try again in \(Self.retryAfter) s"
                    ])
            }
            response.headers[.retryAfter] = String(Self.retryAfter)
            return response
        }
    }
}
