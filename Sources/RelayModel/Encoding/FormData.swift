import Foundation

/// `application/x-www-form-urlencoded` bodies and queries: read (keeping repeated names in order) and written, with
/// RFC 3986 percent-encoding as AWS, Azure, Google and Snowflake expect it.
public struct FormData: Sendable {
    public private(set) var values: [String: [String]] = [:]

    public init(_ text: String) {
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map {
                String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String($0)
            }
            values[parts[0], default: []].append(parts.count > 1 ? parts[1] : "")
        }
    }

    /// The first value of `name`, trimmed; nil when absent or empty.
    public subscript(_ name: String) -> String? {
        guard let value = values[name]?.first?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        return value
    }

    /// Every non-empty value of `name`.
    public func all(_ name: String) -> [String] {
        (values[name] ?? []).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// Replaces every value of `name`.
    public mutating func set(_ name: String, _ value: String) { values[name] = [value] }

    /// Replaces every value of `name` with `list`, as repeated fields (checkboxes) post them.
    public mutating func set(_ name: String, _ list: [String]) { values[name] = list }

    /// Whether a checkbox named `name` was ticked.
    public func checked(_ name: String) -> Bool { values[name]?.contains("true") == true }

    /// `name=value&…`, in the order given, names and values percent-encoded.
    public static func encode(_ fields: [(String, String)]) -> String {
        fields.map { "\(percentEncode($0.0))=\(percentEncode($0.1))" }.joined(separator: "&")
    }

    /// RFC 3986 percent-encoding: everything but the unreserved characters `A–Z a–z 0–9 - . _ ~`.
    public static func percentEncode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
    }

    static let unreserved: CharacterSet = {
        var set = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        set.insert(charactersIn: "-._~")
        return set
    }()
}
