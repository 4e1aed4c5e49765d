import Foundation

/// What of a destination's error answer may be repeated in a status, a dead letter or a log: the vendor's own
/// error message from a JSON body (`message`, `text`, `error`, …), short and with URLs redacted — never the body
/// itself, so an HTML page or another service's answer is not read back through the relay. "Test" repeats none
/// of it (`whileTesting`): it reports the status and a classified reason only.
public enum RemoteDetail {
    @TaskLocal static var suppressed = false

    /// Whether a "Test" is running: its answers say no more than they must about the far end.
    public static var isTesting: Bool { suppressed }

    /// Runs `work` with remote details left out of every reason it produces.
    public static func whileTesting<T: Sendable>(_ work: () async throws -> T) async rethrows -> T {
        try await $suppressed.withValue(true) { try await work() }
    }

    /// The error message a JSON body carries, or "" when there is none (or while testing).
    public static func message(in body: [UInt8]) -> String {
        guard !suppressed, let value = try? JSONValue.parse(body) else { return "" }
        return message(in: value)
    }

    /// The error message of an already parsed body.
    public static func message(in value: JSONValue) -> String {
        guard !suppressed else { return "" }
        for key in ["message", "text", "error_description", "error", "errors", "detail", "title", "description"] {
            guard let found = value[key] else { continue }
            let text: String? =
                found.stringValue ?? found["message"]?.stringValue
                ?? found.arrayValue?.compactMap { $0.stringValue ?? $0["message"]?.stringValue }.joined(separator: "; ")
            if let text, !text.isEmpty { return URLRedaction.redactURLs(in: String(text.prefix(200))) }
        }
        return ""
    }

    /// A vendor's plain-text error (Slack's `invalid_token`): one short line, never markup, or "" (or while testing).
    public static func text(in body: [UInt8]) -> String {
        guard !suppressed else { return "" }
        let json = message(in: body)
        if !json.isEmpty { return json }
        return clean(String(decoding: body.prefix(400), as: UTF8.self))
    }

    /// A message read out of a vendor's answer (an XML `Detail`), as it may be repeated: one short line, never
    /// markup, URLs redacted; "" otherwise or while testing.
    public static func clean(_ text: String) -> String {
        let text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !suppressed, text.count <= 160, !text.contains("<"), !text.contains("\n") else { return "" }
        return URLRedaction.redactURLs(in: text)
    }
}
