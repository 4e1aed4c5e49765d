import RelayHTTP
import RelayModel

/// How Prisma's answers are read.
extension HTTPAnswer {
    /// Whether the body is declared (or, without a declaration, looks like) JSON.
    var looksLikeJSON: Bool {
        if let type = header("Content-Type")?.lowercased() { return type.contains("json") }
        let first = body.first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) })
        return first == UInt8(ascii: "{") || first == UInt8(ascii: "[")
    }

    /// The reasons Prisma gives in `x-redlock-status` (a JSON array of `{i18nKey, severity, subject}`).
    var redlockReason: String? {
        guard let header = header("x-redlock-status"), let entries = (try? JSONValue.parse(header))?.arrayValue else {
            return nil
        }
        let keys = entries.compactMap { $0["i18nKey"]?.stringValue }
        return keys.isEmpty ? nil : keys.joined(separator: ", ")
    }
}
