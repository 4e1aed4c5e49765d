import RelayModel
import Testing

@Suite("JSON values")
struct JSONValueTests {
    @Test("keeps member order and number literals when written back")
    func roundTripKeepsOrderAndNumbers() throws {
        let text = #"{"z":1,"a":[1.50,-0,1e3,12345678901234567890],"m":{"b":true,"a":null},"s":"x"}"#
        #expect(try JSONValue.parse(text).jsonString() == text)
    }

    @Test("decodes escapes, including surrogate pairs, and re-escapes control characters")
    func escapes() throws {
        let value = try JSONValue.parse(#"["a\"b\\c\/d\n\u00e9\ud83d\ude00\u0001"]"#)
        #expect(value.arrayValue?.first?.stringValue == "a\"b\\c/d\né😀\u{01}")
        #expect(value.jsonString() == #"["a\"b\\c/d\né😀\u0001"]"#)
    }

    @Test("escapes a quote, a backslash or a control character wherever it falls in an eight-byte word, and reads it back")
    func escapesAtEveryOffset() throws {
        // Each special byte at each offset of a string longer than two words, among plain ASCII and multi-byte UTF-8
        // (bytes of 0x80 and above must never be taken for control characters).
        for filler in ["abcdefghijklmnopqrstu", "é€😀é€😀é€😀"] {
            for special in ["\"", "\\", "\n", "\u{01}", "\u{1F}", " ", "\u{7F}"] {
                for offset in 0...filler.count {
                    var text = filler
                    text.insert(contentsOf: special, at: text.index(text.startIndex, offsetBy: offset))
                    let written = JSONValue.string(text).jsonString()
                    #expect(written == Self.referenceEscaped(text), "\(offset) \(special.unicodeScalars.first!.value)")
                    #expect(try JSONValue.parse(written).stringValue == text)
                }
            }
        }
    }

    /// A string escaped the plain way, one character at a time.
    static func referenceEscaped(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += "\\u00" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    @Test("refuses a raw control character at any offset of a string")
    func controlCharacterAtEveryOffset() {
        for offset in 0...20 {
            var bytes = Array("\"abcdefghijklmnopqrst\"".utf8)
            bytes.insert(0x0A, at: offset + 1)
            #expect(throws: JSONParseError.self) { try JSONValue.parse(bytes) }
        }
    }

    @Test(
        "rejects malformed documents with the offset",
        arguments: [
            #"{"a":1"#, #"{"a" 1}"#, "[1,]", "01", "1.", "\"\u{01}\"", "tru", "{} x", #""\ud800""#, "",
        ])
    func rejectsMalformed(text: String) {
        #expect(throws: JSONParseError.self) { try JSONValue.parse(text) }
    }

    @Test("refuses nesting deeper than 512 levels instead of overflowing the stack")
    func depthLimit() {
        let deep = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
        #expect(throws: JSONParseError.self) { try JSONValue.parse(deep) }
    }

    @Test("reads integers written as numbers or strings")
    func integers() throws {
        #expect(try JSONValue.parse("1669196436771").int64Value == 1_669_196_436_771)
        #expect(try JSONValue.parse("\"42\"").int64Value == 42)
        #expect(try JSONValue.parse("1.5").int64Value == nil)
    }

    @Test("pretty printing is valid JSON with the same content")
    func pretty() throws {
        let value = try JSONValue.parse(#"{"a":[1,{"b":[]}],"c":{}}"#)
        #expect(try JSONValue.parse(value.prettyJSONString()) == value)
        #expect(value.prettyJSONString().contains("\n  \"a\": ["))
    }
}
