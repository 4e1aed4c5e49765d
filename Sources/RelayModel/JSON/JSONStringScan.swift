/// Finding where a run of string bytes ends, eight bytes at a time: the parser and the writer both spend most of their
/// time walking the bytes of strings, and nearly all of them need no escaping.
enum JSONStringScan {
    /// The index of the first byte in `start..<end` that a JSON string cannot hold as it is — a quote, a backslash or
    /// a control character (below 0x20) — or `end` when there is none; and whether every byte before it is ASCII.
    static func firstSpecial(_ base: UnsafePointer<UInt8>, from start: Int, to end: Int) -> (index: Int, ascii: Bool) {
        var index = start
        var high: UInt64 = 0
        let raw = UnsafeRawPointer(base)
        while index + 8 <= end {
            let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            let found = specialBytes(word)
            // The lowest flagged byte is always a real one (a borrow can only flag bytes above it).
            if found != 0 {
                let stop = found.trailingZeroBitCount / 8
                high |= word & highBits & (((1 as UInt64) &<< UInt64(8 * stop)) &- 1)
                return (index + stop, high == 0)
            }
            high |= word & highBits
            index += 8
        }
        while index < end, !isSpecial(base[index]) {
            high |= UInt64(base[index] & 0x80)
            index += 1
        }
        return (index, high == 0)
    }

    static func isSpecial(_ byte: UInt8) -> Bool { byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") }

    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highBits: UInt64 = 0x8080_8080_8080_8080

    /// The high bit of each byte of `word` below 0x20 or equal to a quote or a backslash (little-endian order).
    private static func specialBytes(_ word: UInt64) -> UInt64 {
        let below = (word &- ones &* 0x20) & ~word
        let quote = word ^ (ones &* UInt64(UInt8(ascii: "\"")))
        let backslash = word ^ (ones &* UInt64(UInt8(ascii: "\\")))
        let zeroQuote = (quote &- ones) & ~quote
        let zeroBackslash = (backslash &- ones) & ~backslash
        return (below | zeroQuote | zeroBackslash) & highBits
    }
}
