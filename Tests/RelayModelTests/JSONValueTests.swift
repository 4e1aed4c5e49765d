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
