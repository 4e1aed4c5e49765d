import Testing

@testable import RelayModel

/// An object parsed with its text kept is written out by copying that text; the copy must always be exactly what
/// encoding the value would give.
@Suite("JSON objects that keep the text they were parsed from")
struct KeptJSONTextTests {
    static let page = #"{"items":[{"id":"P-1","n":1.50,"deep":{"a":[true,null]}},{"id":"P-2"}],"nextPageToken":"t"}"#

    @Test("the objects at the level asked for keep their text, the others do not")
    func keepsTheLevelAskedFor() throws {
        let value = try JSONValue.parse(Array(Self.page.utf8), keepingTextAtDepth: 3)
        let items = try #require(value["items"]?.arrayValue)
        #expect(
            items.map { $0.objectValue?.text.map { String(decoding: $0, as: UTF8.self) } } == [
                #"{"id":"P-1","n":1.50,"deep":{"a":[true,null]}}"#, #"{"id":"P-2"}"#,
            ])
        #expect(value.objectValue?.text == nil)
        #expect(items[0]["deep"]?.objectValue?.text == nil)
        #expect(try JSONValue.parse(Self.page).objectValue?.text == nil)
    }

    @Test(
        "text that differs from what the writer writes is not kept, so the object is written the usual way",
        arguments: [
            (#"[{"a": 1}]"#, #"{"a":1}"#), (#"[{"a":"\/"}]"#, #"{"a":"/"}"#), (#"[{"a":"\u00e9"}]"#, #"{"a":"é"}"#),
            (#"[{"a":"x\n"}]"#, #"{"a":"x\n"}"#),
        ])
    func nonCanonicalTextIsNotKept(text: String, written: String) throws {
        let value = try JSONValue.parse(Array(text.utf8), keepingTextAtDepth: 2)
        let object = try #require(value.arrayValue?.first)
        #expect(object.objectValue?.text == nil)
        #expect(object.jsonString() == written)
    }

    @Test("malformed UTF-8 is not copied into the output: it is written repaired, as when nothing is kept")
    func malformedUTF8IsNotKept() throws {
        let bytes = Array(#"[{"a":""#.utf8) + [0xF0, 0x9F, 0x98] + Array(#"x"}]"#.utf8)
        let kept = try JSONValue.parse(bytes, keepingTextAtDepth: 2)
        #expect(kept.arrayValue?.first?.objectValue?.text == nil)
        #expect(kept.jsonBytes() == (try JSONValue.parse(bytes)).jsonBytes())
        #expect(String(validating: kept.jsonBytes(), as: UTF8.self) != nil)
    }

    @Test("well-formed UTF-8 beyond ASCII is kept, wherever it falls in a word")
    func wellFormedUTF8IsKept() throws {
        for prefix in ["", "a", "abc", "abcdefg", "abcdefgh"] {
            let text = #"[{"a":""# + prefix + #"é€😀 payé"}]"#
            let value = try JSONValue.parse(Array(text.utf8), keepingTextAtDepth: 2)
            #expect(value.arrayValue?.first?.objectValue?.text == Array(text.utf8.dropFirst().dropLast()))
            #expect(value.jsonString() == text)
        }
    }

    @Test("changing an object drops its text, and the change is what gets written")
    func changeDropsText() throws {
        var item = try #require(try JSONValue.parse(Array(Self.page.utf8), keepingTextAtDepth: 3)["items"]?.arrayValue?.first?.objectValue)
        item["id"] = .string("P-9")
        #expect(item.text == nil)
        #expect(JSONValue.object(item).jsonString() == #"{"id":"P-9","n":1.50,"deep":{"a":[true,null]}}"#)
    }

    @Test("an event read back and cut to fit a destination sends the cut raw event, not the text it was stored with")
    func fittingDropsKeptText() throws {
        let blob = String(repeating: "x", count: 5_000)
        let alert = try JSONValue.parse(
            #"{"id":"P-1","status":"open","alertTime":1669196436771,"policy":{"name":"p","severity":"high"},"resource":{"id":"r","data":{"blob":"\#(blob)"}}}"#
        )
        let stored = try AlertNormalizer.normalize(alert, connector: "c", observedAt: 1_669_196_436_771).jsonValue.jsonBytes()
        let read = try NormalizedEvent(storedJSON: stored)
        #expect(read.rawEvent.objectValue?.text != nil)
        let fitted = EventFit.fit(read, limit: 2_000) { $0.jsonValue.jsonBytes().count }
        let written = fitted.jsonValue.jsonString()
        #expect(fitted.truncated == ["raw_event.resource.data"])
        #expect(!written.contains(blob))
        #expect(written.contains("[cut to fit the destination"))
        #expect(written.utf8.count <= 2_000)
    }

    @Test("kept text takes no part in equality or hashing")
    func equalityIgnoresText() throws {
        let kept = try JSONValue.parse(Array(#"[{"a":1}]"#.utf8), keepingTextAtDepth: 2)
        let plain = try JSONValue.parse(#"[{"a":1}]"#)
        #expect(kept == plain)
        #expect(Set([kept, plain]).count == 1)
    }

    @Test("a stored event read back keeps its raw event's text and writes the same body it was stored as")
    func storedEventRoundTrip() throws {
        let alert = try JSONValue.parse(
            #"{"id":"P-1","status":"open","alertTime":1669196436771,"policy":{"name":"Open bucket","severity":"high"},"resource":{"id":"r"}}"#
        )
        let event = try AlertNormalizer.normalize(alert, connector: "c", observedAt: 1_669_196_436_771)
        let body = event.jsonValue.jsonBytes()
        let read = try NormalizedEvent(storedJSON: body)
        #expect(read == event)
        #expect(read.rawEvent.objectValue?.text != nil)
        #expect(read.jsonValue.jsonBytes() == body)
    }
}
