import Testing

@testable import RelayModel

/// An event's JSON text is written straight from its fields (`jsonBytes()`); `jsonValue` is that text, read when its
/// members are asked for.
@Suite("a normalized event's JSON text")
struct NormalizedEventJSONTests {
    /// An event with every optional part: an audit, an incident, what was cut, enrichment, and text that needs escaping.
    static var event: NormalizedEvent {
        var event = NormalizedEvent(
            id: "evt_1", kind: .audit, connector: "prod", nativeID: "A-1", version: "1700000000000", status: "open",
            severity: .high, originalSeverity: nil, module: .cwpp, title: "Quote \" and\nnewline",
            description: "tab\tand \u{01} and é", policy: NormalizedEvent.Policy(id: "p-1", name: nil, subtypes: ["run", "build"]),
            resource: NormalizedEvent.Resource(id: "i-1", region: "us-east-1"), firstSeen: nil, lastSeen: "2023-11-14T22:13:20.000Z",
            observedAt: "2023-11-14T22:13:21.000Z", rawEvent: .object(["b": .int(1), "a": .array([.null, .bool(true)])]))
        event.truncated = ["raw_event.data"]
        event.enrichment = ["okta": .object(["status": .string("ACTIVE")])]
        event.audit = NormalizedEvent.Audit(
            user: "a@example.com", ipAddress: nil, accessKey: true, action: "LOGIN", result: "success", type: "cspm")
        event.incidentID = "inc-1"
        return event
    }

    @Test("members are written in the documented order, with nulls for what is absent and strings escaped")
    func golden() {
        let expected =
            #"{"id":"evt_1","source":"prisma_cloud","kind":"audit","connector":"prod","native_id":"A-1","version":"1700000000000","#
            + #""status":"open","severity":"high","original_severity":null,"module":"CWPP","title":"Quote \" and\nnewline","#
            + #""description":"tab\tand \u0001 and é","policy":{"id":"p-1","name":null,"type":null,"subtypes":["run","build"]},"#
            + #""resource":{"id":"i-1","name":null,"type":null,"cloud":null,"account_id":null,"region":"us-east-1"},"#
            + #""first_seen":null,"last_seen":"2023-11-14T22:13:20.000Z","observed_at":"2023-11-14T22:13:21.000Z","link":null,"#
            + #""raw_event":{"b":1,"a":[null,true]},"truncated":["raw_event.data"],"enrichment":{"okta":{"status":"ACTIVE"}},"#
            + #""audit":{"user":"a@example.com","ip_address":null,"access_key":true,"action":"LOGIN","result":"success","type":"cspm"},"#
            + #""incident_id":"inc-1"}"#
        #expect(String(decoding: Self.event.jsonBytes(), as: UTF8.self) == expected)
    }

    @Test("an event without the optional parts has no members for them, and a policy it lacks is null")
    func withoutOptionalParts() throws {
        var event = Self.event
        (event.truncated, event.enrichment, event.audit, event.incidentID, event.policy) = ([], [:], nil, nil, nil)
        let members = try #require(event.jsonValue.objectValue?.members.map(\.key))
        #expect(members.last == "raw_event")
        #expect(members.count == 19)
        #expect(event.jsonValue["policy"] == .null)
    }

    @Test("the JSON value's members are the text's, and read back as the same event")
    func valueReadsBack() throws {
        let value = Self.event.jsonValue
        #expect(value.jsonBytes() == Self.event.jsonBytes())
        #expect(value["title"]?.stringValue == "Quote \" and\nnewline")
        #expect(value["resource"]?["region"]?.stringValue == "us-east-1")
        #expect(try NormalizedEvent(json: value) == Self.event)
        #expect(try NormalizedEvent(storedJSON: Self.event.jsonBytes()) == Self.event)
    }
}
