import Crypto
import Foundation
import RelayModel

/// What PagerDuty's v3 webhooks tell the relay, for two-way sync: each delivery is one event, signed with the
/// webhook subscription's secret in `X-PagerDuty-Signature` (`v1=<hex HMAC-SHA256 of the raw body>`, several at once
/// while a secret is rotated).
public enum PagerDutyWebhook {
    /// An incident resolved in PagerDuty: the key it was opened with (`incident_key`, the relay's `AlertKey`), who
    /// resolved it, and which incident it was.
    public struct Resolution: Sendable, Equatable {
        public var alertKey: String
        public var by: String
        public var incident: String

        /// The resolution as two-way sync follows it: the alert's key and the note its dismissal carries.
        public var closure: Closure { Closure(alertKey: alertKey, note: "Resolved in PagerDuty by \(by): incident \(incident)") }

        public init(alertKey: String, by: String, incident: String) {
            self.alertKey = alertKey
            self.by = by
            self.incident = incident
        }
    }

    /// Whether one of the `v1` signatures in `header` is the HMAC-SHA256 of `body` under `secret`, each compared in
    /// constant time.
    public static func verify(body: [UInt8], signatures header: String?, secret: String) -> Bool {
        guard let header, !secret.isEmpty else { return false }
        let key = SymmetricKey(data: Data(secret.utf8))
        return header.split(separator: ",").contains { entry in
            let entry = entry.trimmingCharacters(in: .whitespaces)
            guard entry.hasPrefix("v1="), let code = hexBytes(entry.dropFirst(3)), code.count == SHA256.byteCount else { return false }
            return HMAC<SHA256>.isValidAuthenticationCode(code, authenticating: body, using: key)
        }
    }

    /// The resolution an `incident.resolved` event reports; nil for every other event (nothing to do).
    public static func resolution(in payload: JSONValue) -> Resolution? {
        let event = payload["event"]
        guard event?["event_type"]?.stringValue == "incident.resolved", let data = event?["data"],
            data["type"]?.stringValue == "incident", let key = data["incident_key"]?.stringValue, !key.isEmpty
        else { return nil }
        let number = data["number"]?.int64Value.map { "#\($0)" } ?? data["id"]?.stringValue ?? "an incident"
        let title = data["title"]?.stringValue.map { " \"\($0)\"" } ?? ""
        let link = data["html_url"]?.stringValue.map { " (\($0))" } ?? ""
        return Resolution(
            alertKey: key, by: event?["agent"]?["summary"]?.stringValue ?? "PagerDuty", incident: "\(number)\(title)\(link)")
    }

    static func hexBytes(_ text: Substring) -> [UInt8]? {
        guard text.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.count / 2)
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            guard let byte = UInt8(text[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        return bytes
    }
}
