import Testing

@testable import RelayModel

/// The scan that finds where a JSON string's plain run ends, eight bytes at a time and the last few one by one,
/// checked against a byte-by-byte reading of every case.
@Suite("Scanning a string for the first byte JSON must escape")
struct JSONStringScanTests {
    /// The first byte in `start..<end` that is a quote, a backslash or a control character, and whether every byte
    /// before it is ASCII, read one byte at a time.
    static func expected(_ bytes: [UInt8], from start: Int, to end: Int) -> (index: Int, ascii: Bool) {
        var index = start
        while index < end, !(bytes[index] < 0x20 || bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "\\")) {
            index += 1
        }
        return (index, bytes[start..<index].allSatisfy { $0 < 0x80 })
    }

    @Test(
        "the first special byte is found wherever it falls, after any start, and ASCII is told apart from the rest",
        arguments: [UInt8(ascii: "\""), UInt8(ascii: "\\"), 0x00, 0x0A, 0x1F, nil])
    func everyPosition(special: UInt8?) {
        for length in 1...26 {
            for place in 0...length {
                for high in [nil] + Array(0..<length) {
                    var bytes = (0..<length).map { UInt8(ascii: "a") + UInt8($0 % 26) }
                    if let high { bytes[high] = 0xC3 }
                    if let special, place < length { bytes[place] = special }
                    for start in [0, 1, 3, 9] where start <= length {
                        let found = bytes.withUnsafeBufferPointer { JSONStringScan.firstSpecial($0.baseAddress!, from: start, to: length) }
                        let wanted = Self.expected(bytes, from: start, to: length)
                        #expect(
                            found.index == wanted.index && found.ascii == wanted.ascii,
                            "length \(length), special at \(place), high byte at \(high.map(String.init) ?? "none"), from \(start)")
                    }
                }
            }
        }
    }
}
