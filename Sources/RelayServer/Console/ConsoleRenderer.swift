import Foundation
import HTTPTypes
import Hummingbird
import Mustache

/// Renders the console's Mustache templates (bundled with the relay) into HTML responses with strict headers: no
/// framing, no scripts at all, nothing from other origins, never cached.
public struct ConsoleRenderer: Sendable {
    let library: MustacheLibrary
    let stylesheet: ByteBuffer

    public init() throws {
        guard let directory = Bundle.module.resourcePath.map({ $0 + "/Templates" }),
            let css = Bundle.module.path(forResource: "console", ofType: "css", inDirectory: "Assets")
        else { throw ConsoleError.missingResources }
        var templates: [String: MustacheTemplate] = [:]
        for file in try FileManager.default.contentsOfDirectory(atPath: directory) where file.hasSuffix(".mustache") {
            let text = try String(contentsOfFile: directory + "/" + file, encoding: .utf8)
            templates[String(file.dropLast(".mustache".count))] = try MustacheTemplate(string: text)
        }
        library = MustacheLibrary(templates: templates)
        stylesheet = ByteBuffer(bytes: try Data(contentsOf: URL(fileURLWithPath: css)))
    }

    static let securityHeaders: HTTPFields = [
        .contentSecurityPolicy:
            "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        .cacheControl: "no-store",
        HTTPField.Name("X-Frame-Options")!: "DENY",
        HTTPField.Name("X-Content-Type-Options")!: "nosniff",
        HTTPField.Name("Referrer-Policy")!: "same-origin",
    ]

    /// A page: `template` rendered with `context`.
    func page(_ template: String, _ context: [String: Any], status: HTTPResponse.Status = .ok) -> Response {
        let html = library.render(context, withTemplate: template) ?? "template \(template) is missing"
        var headers = Self.securityHeaders
        headers[.contentType] = "text/html; charset=utf-8"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
    }

    /// The stylesheet.
    func css() -> Response {
        Response(
            status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "max-age=3600"],
            body: ResponseBody(byteBuffer: stylesheet))
    }

    /// A redirect after a form (303, so the browser GETs the target).
    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
    }
}

enum ConsoleError: Error, CustomStringConvertible {
    case missingResources
    var description: String { "the console's templates are missing from the relay's resource bundle" }
}
