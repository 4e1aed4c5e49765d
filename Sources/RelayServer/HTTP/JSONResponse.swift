import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import RelayModel

/// Responses and request bodies in the relay's own JSON (order-preserving, exact numbers).
enum JSONResponse {
    /// A JSON body.
    static func ok(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: value.jsonBytes())))
    }

    /// An empty 200, as Prisma's legacy integration endpoints answer.
    static func empty(_ status: HTTPResponse.Status = .ok) -> Response { Response(status: status) }

    /// Prisma's legacy error form: the reasons in `x-redlock-status`, each `{i18nKey, severity, subject}`, and
    /// the same sentences in a JSON body for people.
    static func redlock(_ status: HTTPResponse.Status, _ i18nKey: String, subjects: [String?] = [nil]) -> Response {
        let entries = JSONValue.array(
            subjects.map { subject in
                .object(["i18nKey": .string(i18nKey), "severity": .string("error"), "subject": .optional(subject)])
            })
        var headers = HTTPFields()
        headers[HTTPField.Name("x-redlock-status")!] = entries.jsonString()
        headers[.contentType] = "application/json"
        let body: JSONValue = .object(["error": .string(i18nKey), "messages": .array(subjects.compactMap { $0 }.map(JSONValue.string))])
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body.jsonBytes())))
    }

    /// The v1 microservice's error form (`EventsApiError`).
    static func eventsError(_ status: HTTPResponse.Status, _ message: String, sub: [ConfigError] = []) -> Response {
        ok(
            .object([
                "status": .string("\(status.code) \(status.reasonPhrase.uppercased().replacingOccurrences(of: " ", with: "_"))"),
                "timestamp": .int(Int64(Date().timeIntervalSince1970 * 1000)), "message": .string(message), "debugMessage": .null,
                "subErrors": .array(sub.map { .object(["field": .string($0.field), "message": .string($0.message)]) }),
            ]), status: status)
    }

    /// The relay's own APIs' refusal of bad input: 400 with the problems in words, then field by field.
    static func invalid(_ errors: ConfigErrors, lead: String? = nil) -> Response {
        ok(
            .object([
                "error": .string((lead.map { $0 + ": " } ?? "") + errors.description),
                "fields": .array(errors.errors.map { .object(["field": .string($0.field), "message": .string($0.message)]) }),
            ]), status: .badRequest)
    }

    /// The request body as JSON, or nil when it is not JSON.
    static func body(_ request: Request, limit: Int = 1 << 20) async throws -> JSONValue? {
        var request = request
        let bytes = Array(try await collect(&request, limit: limit).readableBytesView)
        guard bytes.contains(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }) else { return nil }
        do {
            return try JSONValue.parse(bytes)
        } catch {
            throw HTTPError(
                .badRequest,
                message:
                    "The request body is not valid JSON: \(error.reason) at byte \(error.offset) (\(Self.position(error.offset, in: bytes))). Send one JSON object."
            )
        }
    }

    /// A request's body, or a 413 that says how much is accepted.
    static func collect(_ request: inout Request, limit: Int) async throws -> ByteBuffer {
        do {
            return try await request.collectBody(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw HTTPError(
                .contentTooLarge, message: "The request body is larger than the \(limit >> 10) KiB this endpoint accepts. Send less.")
        }
    }

    /// "line 3, column 14, near `"name": ,`": where a parse stopped, for people.
    static func position(_ offset: Int, in bytes: [UInt8]) -> String {
        let before = bytes.prefix(min(offset, bytes.count))
        let line = before.filter { $0 == 0x0A }.count + 1
        let column = before.count - (before.lastIndex(of: 0x0A).map { $0 + 1 } ?? 0) + 1
        let near = String(decoding: bytes[max(0, offset - 12)..<min(bytes.count, offset + 12)], as: UTF8.self)
            .replacingOccurrences(of: "\n", with: " ")
        return "line \(line), column \(column), near `\(near)`"
    }
}
