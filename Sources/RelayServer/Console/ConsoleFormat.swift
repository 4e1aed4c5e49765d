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
    static func age(_ millis: Int64) -> String { Elapsed.words(millis) }

    /// A time as every table shows it: relative ("3 min ago") with the absolute time on hover, for `<time>`.
    static func when(_ millis: Int64?, now: Int64) -> [String: Any] {
        guard let millis else { return ["text": "never", "title": "", "iso": ""] }
        let delta = now - millis
        let text = delta >= 0 ? (delta < 5_000 ? "just now" : age(delta) + " ago") : "in " + age(-delta)
        return ["text": text, "title": time(millis), "iso": Timestamp.rfc3339(epochMilliseconds: millis)]
    }

    /// `840 ms`, `2.5 s`, `3 min 20 s`, `5 min`, `1 h 30 min`, `2 d`.
    static func duration(_ millis: Int64) -> String {
        if millis < 1_000 { return "\(max(0, millis)) ms" }
        if millis < 60_000 { return String(format: "%.1f s", Double(millis) / 1000) }
        let seconds = millis / 1000
        func and(_ value: Int64, _ unit: String) -> String { value == 0 ? "" : " \(value) \(unit)" }
        if seconds < 3_600 { return "\(seconds / 60) min" + and(seconds % 60, "s") }
        if seconds < 172_800 { return "\(seconds / 3_600) h" + and(seconds % 3_600 / 60, "min") }
        return "\(seconds / 86_400) d" + and(seconds % 86_400 / 3_600, "h")
    }

    /// A latency percentile read from a histogram: `≤ 250 ms`, `> 1 h`, or `—` with nothing delivered.
    static func latency(_ bound: Int64?) -> String {
        guard let bound else { return "—" }
        if bound == .max { return "> \(duration(LatencyHistogram.bounds.last ?? 0))" }
        return "≤ " + duration(bound)
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
