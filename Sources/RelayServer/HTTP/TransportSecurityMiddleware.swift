import HTTPTypes
import Hummingbird

/// Served over TLS, every answer tells browsers to keep to HTTPS for this host (HSTS), so a console session is
/// never downgraded to plain HTTP.
struct TransportSecurityMiddleware: RouterMiddleware {
    typealias Context = RelayRequestContext
    static let header = HTTPField.Name("Strict-Transport-Security")!
    static let value = "max-age=31536000"

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            var response = try await next(request, context)
            response.headers[Self.header] = Self.value
            return response
        } catch let error as any HTTPResponseError {
            var response = try error.response(from: request, context: context)
            response.headers[Self.header] = Self.value
            return response
        }
    }
}
