import Foundation
import RelayModel

/// How the console writes times, ages and statuses.
enum ConsoleFormat {
    /// `2026-11-22 04:21 UTC`.
    static func time(_ millis: Int64?) -> String {
        guard let millis else { return "—" }
        let text = Timestamp.rfc3339(epochMilliseconds: millis)
        return text.prefix(10) + " " + text.dropFirst(11).prefix(5) + " UTC"
    }

    /// `45 s`, `12 min`, `3 h`, `2 d`.
    static func age(_ millis: Int64) -> String {
        let seconds = max(0, millis / 1000)
        if seconds < 120 { return "\(seconds) s" }
        if seconds < 7200 { return "\(seconds / 60) min" }
        if seconds < 172_800 { return "\(seconds / 3600) h" }
        return "\(seconds / 86_400) d"
    }

    /// The badge class of a connector status.
    static func badge(_ status: ConnectorState.Status) -> String {
        switch status {
        case .active: "ok"
        case .error: "bad"
        case .pending: "warn"
        case .disabled: "off"
        }
    }

    static func badge(_ status: IntegrationHealth.Status) -> String {
        switch status {
        case .green: "ok"
        case .yellow: "warn"
        case .red: "bad"
        }
    }

    /// A message for a page (an error, a warning, a flash): the sentence shown, the technical detail folded under it
    /// (`error.mustache`); nil when there is none, so that a section leaves it out.
    static func error(_ message: String?) -> [String: Any]? {
        guard let message, !message.isEmpty else { return nil }
        let (sentence, detail) = ErrorSentence.split(message)
        var parts: [String: Any] = ["sentence": sentence]
        if let detail { parts["detail"] = detail }
        parts["hasDetail"] = detail != nil
        return parts
    }

    /// A value for a page's section, or `false` when there is none: a nil wrapped in `Any` would render the section.
    static func present(_ value: Any?) -> Any { value ?? false }

    /// `/`-safe path segment.
    static func segment(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? text
    }
}
