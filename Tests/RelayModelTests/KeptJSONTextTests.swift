import Testing

@testable import RelayModel

/// An object read lazily, its text kept, is written out by copying that text; the copy must always be exactly what
/// encoding the value would give.
@Suite("JSON objects read lazily, that keep the text they were parsed from")
struct KeptJSONTextTests {
    /// Parses `bytes` with the objects at `depth` read lazily, nothing read at once.
    static func parse(_ bytes: [UInt8], lazilyAt depth: Int) throws -> JSONValue {
        try JSONValue.parse(bytes, lazily: JSONLazyLevel(depth: depth, preselecting: .members([])))
    }

    static let page = #"{"items":[{"id":"P-1","n":1.50,"deep":{"a":[true,null]}},{"id":"P-2"}],"nextPageToken":"t"}"#

    @Test("the objects at the level asked for keep their text, the others do not")
    func keepsTheLevelAskedFor() throws {
        let value = try Self.parse(Array(Self.page.utf8), lazilyAt: 3)
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
            (#"[{"a":"\b\f"}]"#, #"{"a":"\u0008\u000c"}"#), (#"[{"a":"\u001F"}]"#, #"{"a":"\u001f"}"#),
            (#"[{"a":"\u000a"}]"#, #"{"a":"\n"}"#), (#"[{"a":"\u0041"}]"#, #"{"a":"A"}"#),
        ])
    func nonCanonicalTextIsNotKept(text: String, written: String) throws {
        let value = try Self.parse(Array(text.utf8), lazilyAt: 2)
        let object = try #require(value.arrayValue?.first)
        #expect(object.objectValue?.text == nil)
        #expect(object.jsonString() == written)
    }

    @Test("escapes spelled as the writer spells them are kept: quotes, backslashes, newlines, tabs, other control characters")
    func writtenEscapesAreKept() throws {
        let text = #"[{"a":"say \"hi\"\\ then\n\r\tgo \u0001\u001f payé"}]"#
        let value = try Self.parse(Array(text.utf8), lazilyAt: 2)
        let object = try #require(value.arrayValue?.first?.objectValue)
        #expect(object.text == Array(text.utf8.dropFirst().dropLast()))
        #expect(object["a"]?.stringValue == "say \"hi\"\\ then\n\r\tgo \u{01}\u{1F} payé")
        #expect(value.jsonString() == text)
        #expect(JSONValue.object(JSONObject(object.members)).jsonString() == String(text.dropFirst().dropLast()))
    }

    @Test("whatever the writer writes is kept when read again: every ASCII character, alone and between others")
    func writerOutputIsAlwaysKept() throws {
        for scalar in (0..<0x80).compactMap(Unicode.Scalar.init) {
            for string in [String(scalar), "a\(scalar)b", "\(scalar)é\(scalar)"] {
                let written = JSONValue.object(["a": .string(string)]).jsonString()
                let read = try Self.parse(Array("[\(written)]".utf8), lazilyAt: 2)
                #expect(read.arrayValue?.first?.objectValue?.text.map { String(decoding: $0, as: UTF8.self) } == written)
                #expect(read.arrayValue?.first?["a"]?.stringValue == string)
            }
        }
    }

    @Test(
        "an object read lazily refuses a malformed string as parsing it whole does: the same error at the same offset",
        arguments: [
            #"[{"a":"x\q"}]"#, #"[{"a":"x\u12"}]"#, #"[{"a":"\ud800"}]"#, #"[{"a":"x\"#, #"[{"a":"x\ny"#,
            "[{\"a\":\"x\\n\u{01}\"}]", #"[{"a":"\n","b":"y\t"#,
        ])
    func lazyReadRefusesAsParseDoes(text: String) {
        let whole = Result { try JSONValue.parse(text) }
        let lazy = Result { try Self.parse(Array(text.utf8), lazilyAt: 2) }
        guard case .failure(let expected as JSONParseError) = whole else { return #expect(Bool(false), "\(text) parsed") }
        #expect(throws: expected) { try lazy.get() }
    }

    @Test("malformed UTF-8 is not copied into the output: it is written repaired, as when nothing is kept")
    func malformedUTF8IsNotKept() throws {
        let bytes = Array(#"[{"a":""#.utf8) + [0xF0, 0x9F, 0x98] + Array(#"x"}]"#.utf8)
        let kept = try Self.parse(bytes, lazilyAt: 2)
        #expect(kept.arrayValue?.first?.objectValue?.text == nil)
        #expect(kept.jsonBytes() == (try JSONValue.parse(bytes)).jsonBytes())
        #expect(String(validating: kept.jsonBytes(), as: UTF8.self) != nil)
    }

    @Test("well-formed UTF-8 beyond ASCII is kept, wherever it falls in a word")
    func wellFormedUTF8IsKept() throws {
        for prefix in ["", "a", "abc", "abcdefg", "abcdefgh"] {
            let text = #"[{"a":""# + prefix + #"é€😀 payé"}]"#
            let value = try Self.parse(Array(text.utf8), lazilyAt: 2)
            #expect(value.arrayValue?.first?.objectValue?.text == Array(text.utf8.dropFirst().dropLast()))
            #expect(value.jsonString() == text)
        }
    }

    @Test("changing an object drops its text, and the change is what gets written")
    func changeDropsText() throws {
        var item = try #require(try Self.parse(Array(Self.page.utf8), lazilyAt: 3)["items"]?.arrayValue?.first?.objectValue)
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

    @Test(
        "an alert of a page is normalized from the fields read at once, is stored as the text it came in, and is the same event as the whole alert gives"
    )
    func pageAlertsReadLazily() throws {
        let alertText =
            #"{"id":"P-1","status":"Open","alertTime":1669196436771,"lastUpdated":1669196436999,"firstSeen":1669196436000,"#
            + #""policy":{"policyId":"p-1","name":"Open bucket","description":"First:\n\"fix\" it","severity":"critical","policyType":"config","#
            + #""policySubTypes":["Run"],"labels":["x"]},"resource":{"id":"r","name":"b","resourceType":"bucket","#
            + #""cloudType":"AWS","accountId":"1","regionId":"us-east-1","data":{"big":[1,2,3]}},"extra":{"deep":true}}"#
        let page = Array(#"{"items":["#.utf8) + Array(alertText.utf8) + Array(#"],"nextPageToken":"t"}"#.utf8)
        let alert = try #require(try JSONValue.parse(page, lazily: AlertPage.lazyAlerts)["items"]?.arrayValue?.first)
        let kept = try #require(alert.objectValue?.kept)
        #expect(alert.preselected != nil)
        let event = try AlertNormalizer.normalize(alert, connector: "c", observedAt: 1_669_196_437_000)
        let body = String(decoding: event.jsonBytes(), as: UTF8.self)
        #expect(!kept.isParsed)
        #expect(body.hasSuffix(#""raw_event":"# + alertText + "}"))
        let whole = try #require(try JSONValue.parse(page)["items"]?.arrayValue?.first)
        #expect(event == (try AlertNormalizer.normalize(whole, connector: "c", observedAt: 1_669_196_437_000)))
        #expect(event.policy?.subtypes == ["run"] && event.resource.cloud == "aws" && event.version == "1669196436999")
        #expect(event.description == "First:\n\"fix\" it")
    }

    @Test("an alert whose text is not as the writer writes it is read whole, and normalized the same")
    func nonCanonicalPageAlertsAreReadWhole() throws {
        let page = Array(#"{"items":[{"id": "P-1","policy":{"name":"a\nb","severity":"low"}}]}"#.utf8)
        let alert = try #require(try JSONValue.parse(page, lazily: AlertPage.lazyAlerts)["items"]?.arrayValue?.first)
        #expect(alert.objectValue?.kept == nil)
        let event = try AlertNormalizer.normalize(alert, connector: "c", observedAt: 0)
        #expect(event.title == "a\nb" && event.severity == .low)
    }

    @Test("kept text takes no part in equality or hashing")
    func equalityIgnoresText() throws {
        let kept = try Self.parse(Array(#"[{"a":1}]"#.utf8), lazilyAt: 2)
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

    @Test("an event's JSON with its members in another order, or a name twice, reads as it did: the first of a name counts")
    func storedEventMembersInAnyOrder() throws {
        let alert = try JSONValue.parse(#"{"id":"P-1","status":"open","alertTime":1669196436771,"policy":{"name":"Open bucket"}}"#)
        let event = try AlertNormalizer.normalize(alert, connector: "c", observedAt: 1_669_196_436_771)
        let members = try #require(event.jsonValue.objectValue?.members)
        #expect(try NormalizedEvent(json: .object(JSONObject(members.reversed()))) == event)
        let twice = [JSONObject.Member(key: "title", value: .string("first"))] + members
        #expect(try NormalizedEvent(json: .object(JSONObject(twice))).title == "first")
        var shuffled = members
        shuffled.swapAt(1, members.count - 1)
        #expect(try NormalizedEvent(json: .object(JSONObject(shuffled))) == event)
        #expect(throws: NormalizationError.missingField("observed_at")) {
            try NormalizedEvent(json: .object(JSONObject(members.filter { $0.key != "observed_at" })))
        }
    }

    static let stored =
        #"{"id":"e","raw_event":{"id":"P-1","n":1.50,"policy":{"name":"p","labels":["a","b"]},"resource":{"data":{"tags":[{"key":"owner","value":"ann"}],"ip":"10.0.0.1"}},"note":"payé"},"after":true}"#

    @Test("an object read lazily is checked at once and keeps its text; its members, read later, are what an eager parse gives")
    func lazyObjectMatchesEagerParse() throws {
        let lazy = try JSONValue.parse(Array(Self.stored.utf8), lazily: "raw_event")
        let eager = try JSONValue.parse(Self.stored)
        let raw = try #require(lazy["raw_event"]?.objectValue)
        #expect(raw.kept?.isLazy == true)
        #expect(
            raw.text.map { String(decoding: $0, as: UTF8.self) } == String(Self.stored.split(separator: "\"raw_event\":")[1].dropLast(14)))
        // Written out before and after its members are read: the same bytes, the same as an eager parse writes.
        #expect(lazy.jsonBytes() == Array(Self.stored.utf8))
        #expect(lazy == eager)
        #expect(lazy.hashValue == eager.hashValue)
        #expect(lazy.jsonBytes() == eager.jsonBytes())
        // Once read, all of it is read: the objects inside are ordinary ones.
        let policy = try #require(raw["policy"]?.objectValue)
        #expect(policy.kept == nil && policy["labels"] == .array([.string("a"), .string("b")]))
        let tag = try #require(raw["resource"]?["data"]?["tags"]?.arrayValue?.first?.objectValue)
        #expect(tag.kept == nil && tag["value"] == .string("ann"))
        #expect(raw["note"] == .string("payé") && raw["n"] == .number("1.50"))
        #expect(raw.map(\.key) == ["id", "n", "policy", "resource", "note"])
    }

    @Test("a lazy object that is changed is written as changed, and the text it was read from is no longer used")
    func changingLazyObject() throws {
        var raw = try #require(try JSONValue.parse(Array(Self.stored.utf8), lazily: "raw_event")["raw_event"]?.objectValue)
        raw["n"] = .int(2)
        raw["policy"] = nil
        #expect(raw.kept == nil)
        #expect(
            JSONValue.object(raw).jsonString()
                == #"{"id":"P-1","n":2,"resource":{"data":{"tags":[{"key":"owner","value":"ann"}],"ip":"10.0.0.1"}},"note":"payé"}"#)
    }

    @Test(
        "text a lazy read finds not canonical is read at once instead (and written the usual way); malformed text is refused where an eager parse refuses it",
        arguments: [
            (#"{"r":{"a": 1}}"#, #"{"r":{"a":1}}"#), (#"{"r":{"a":"\/"}}"#, #"{"r":{"a":"/"}}"#),
            (#"{"r":{"a":{"b":"\u00e9"}}}"#, #"{"r":{"a":{"b":"é"}}}"#),
        ])
    func nonCanonicalIsReadAtOnce(text: String, written: String) throws {
        let value = try JSONValue.parse(Array(text.utf8), lazily: "r")
        #expect(value["r"]?.objectValue?.kept?.isLazy != true)
        #expect(value.jsonString() == written)
        #expect(value == (try JSONValue.parse(text)))
    }

    @Test("malformed JSON inside a lazily read object is refused at once, at the offset an eager parse gives")
    func malformedLazyObjectIsRefused() throws {
        for text in [#"{"r":{"a":[1,}}"#, #"{"r":{"a":01}}"#, #"{"r":{"a":tru}}"#, #"{"r":{"a" 1}}"#, #"{"r":{"a":"x"#, #"{"r":{"a":1"#] {
            var eager: JSONParseError?
            var lazy: JSONParseError?
            do { _ = try JSONValue.parse(text) } catch { eager = error }
            do { _ = try JSONValue.parse(Array(text.utf8), lazily: "r") } catch { lazy = error }
            #expect(eager != nil && lazy == eager, "\(text)")
        }
        let bytes = Array(#"{"r":{"a":""#.utf8) + [0xF0, 0x9F, 0x98] + Array(#"x"}}"#.utf8)
        let repaired = try JSONValue.parse(bytes, lazily: "r")
        #expect(repaired["r"]?.objectValue?.kept?.isLazy != true)
        #expect(repaired.jsonBytes() == (try JSONValue.parse(bytes)).jsonBytes())
    }

    @Test("a lazy object read from many tasks at once parses to the same members for each")
    func lazyObjectReadConcurrently() async throws {
        let raw = try #require(try JSONValue.parse(Array(Self.stored.utf8), lazily: "raw_event")["raw_event"])
        let eager = try JSONValue.parse(Self.stored)["raw_event"]
        let results = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<16 { group.addTask { raw["resource"]?["data"]?["ip"] == .string("10.0.0.1") && raw == eager } }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results == Array(repeating: true, count: 16))
    }

    @Test(
        "some members of one lazy object can be read in the pass that checks it: what selecting them later gives, read whole, the object still lazy"
    )
    func preselectedMembers() throws {
        let selection: JSONSelection = ["n": .all, "resource": ["data": ["tags": .all]]]
        let text = Array(#"{"other":{"n":2},"raw_event":\#(Self.stored.split(separator: "\"raw_event\":")[1])"#.utf8)
        let value = try JSONValue.parse(text, lazily: "raw_event", preselecting: selection)
        let raw = try #require(value["raw_event"])
        let later = try #require(try JSONValue.parse(text, lazily: "raw_event")["raw_event"])
        #expect(raw.preselected == later.selecting(selection))
        #expect(raw.preselected?.jsonString() == #"{"n":1.50,"resource":{"data":{"tags":[{"key":"owner","value":"ann"}]}}}"#)
        #expect(raw.preselected?["resource"]?["data"]?["tags"]?.arrayValue?.first?.objectValue?.kept == nil)
        #expect(raw.objectValue?.kept?.isParsed == false)
        // Only the member named is lazy and has anything read at once; the other object is read at once, whole; the
        // whole still reads and writes as an eager parse does.
        #expect(value["other"]?.preselected == nil && later.preselected == nil)
        #expect(value["other"]?.objectValue?.kept?.isLazy != true && value["other"]?["n"] == .int(2))
        #expect(value == (try JSONValue.parse(text)) && value.jsonBytes() == text)
    }

    @Test("members read at once keep their text as the writer writes them: arrays projected, scalars and absent members too")
    func preselectedText() throws {
        let selection: JSONSelection = [
            "n": .all, "missing": .all, "note": ["x": .all], "policy": ["labels": ["x": .all], "name": .all],
            "resource": ["data": ["tags": ["value": .all], "ip": .all]],
        ]
        let text = Array(#"{"raw_event":\#(Self.stored.split(separator: "\"raw_event\":")[1])"#.utf8)
        let raw = try #require(try JSONValue.parse(text, lazily: "raw_event", preselecting: selection)["raw_event"])
        let selected = try #require(raw.preselected?.objectValue)
        let kept = try #require(selected.text)
        #expect(kept == JSONValue.object(JSONObject(selected.members)).jsonBytes())
        #expect(
            String(decoding: kept, as: UTF8.self)
                == #"{"n":1.50,"policy":{"name":"p","labels":["a","b"]},"resource":{"data":{"tags":[{"value":"ann"}],"ip":"10.0.0.1"}},"note":"payé"}"#
        )
        // Text the writer would write otherwise is read eagerly: nothing is preselected, so nothing keeps a wrong text.
        let spaced = Array(#"{"raw_event":{"n": 1}}"#.utf8)
        #expect(try JSONValue.parse(spaced, lazily: "raw_event", preselecting: selection)["raw_event"]?.preselected == nil)
    }

    @Test("documents written one after another, read for some members only: those built, every document checked whole")
    func concatenatedSelecting() {
        let text = #"{"event":{"native_id":"P-1","big":[1,2,{"x":"y"}]},"time":1} "plain" {"event":{"native_id":"P-2"}}{"event":[1,}"#
        let (values, failedAt) = JSONValue.parseConcatenated(Array(text.utf8), selecting: ["event": ["native_id": .all]])
        #expect(values.map { $0.jsonString() } == [#"{"event":{"native_id":"P-1"}}"#, #""plain""#, #"{"event":{"native_id":"P-2"}}"#])
        #expect(failedAt == 3 && failedAt == JSONValue.parseConcatenated(Array(text.utf8)).failedAt)
    }

    @Test("members are told apart by their whole names, also names of one length that begin and end alike")
    func selectingNamesAlike() {
        // "data", "dada", "dbta" and "daxa" are passed over or not on the same bit; the bytes decide.
        let text = #"{"dbta":1,"data":{"daxa":2,"dada":3},"daxa":4,"dada":[5],"d":6,"":7}"#
        let (values, _) = JSONValue.parseConcatenated(Array(text.utf8), selecting: ["data": ["dada": .all], "dada": .all, "": .all])
        #expect(values.map { $0.jsonString() } == [#"{"data":{"dada":3},"dada":[5],"":7}"#])
    }

    @Test("reading only some members of a lazy object builds those, with the values an eager parse gives, and nothing else")
    func selectingMembers() throws {
        let raw = try #require(try JSONValue.parse(Array(Self.stored.utf8), lazily: "raw_event")["raw_event"])
        let eager = try #require(try JSONValue.parse(Self.stored)["raw_event"])
        let partial = raw.selecting(["n": .all, "resource": ["data": ["tags": .all]], "missing": .all, "note": ["x": .all]])
        #expect(
            partial.jsonString() == #"{"n":1.50,"resource":{"data":{"tags":[{"key":"owner","value":"ann"}]}},"note":"payé"}"#)
        // Members named of an array are read of each object in it; other elements are read as they are.
        let projected = raw.selecting(["resource": ["data": ["tags": ["value": .all]]], "policy": ["labels": ["x": .all]]])
        #expect(projected.jsonString() == #"{"policy":{"labels":["a","b"]},"resource":{"data":{"tags":[{"value":"ann"}]}}}"#)
        #expect(partial["resource"]?["data"]?["tags"] == eager["resource"]?["data"]?["tags"])
        // Not read yet, the lazy object stays so; once read, or when not lazy, the value is returned as it is.
        #expect(raw.objectValue?.kept?.isParsed == false)
        _ = raw["id"]
        #expect(raw.selecting(["n": .all]) == eager)
        #expect(eager.selecting(["n": .all]) == eager)
    }
}
