/// Lowercase hexadecimal, the one spelling of digests and ids: written by hand, since it runs for every event stored
/// (an event's id) and `String(format:)` or `String(_:radix:)` cost more than the hashing around them.
public enum Hex {
    @usableFromInline static let digits = Array("0123456789abcdef".utf8)

    /// Two lowercase hex digits for each byte, in order. (Inlinable: made for the caller's own sequence, a digest
    /// among them, it writes a byte in a few instructions rather than through the generic iterator.)
    @inlinable
    public static func string(_ bytes: some Sequence<UInt8>) -> String {
        var text: [UInt8] = []
        text.reserveCapacity(bytes.underestimatedCount * 2)
        digits.withUnsafeBufferPointer { digits in
            for byte in bytes {
                text.append(digits[Int(byte >> 4)])
                text.append(digits[Int(byte & 0x0F)])
            }
        }
        return String(decoding: text, as: UTF8.self)
    }
}
