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

    /// `/`-safe path segment.
    static func segment(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? text
    }
}
