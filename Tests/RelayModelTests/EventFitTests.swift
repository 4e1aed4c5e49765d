import RelayModel
import Testing

@Suite("Fitting events to size limits")
struct EventFitTests {
    static func event(data: Int = 0, description: Int = 10, resourceExtra: Int = 0) throws -> NormalizedEvent {
        let raw =
            #"{"id":"P-1","status":"open","lastUpdated":5,"policy":{"name":"N","severity":"high","description":"\#(String(repeating: "d", count: description))","recommendation":"r"},"resource":{"id":"r-1","name":"bucket","cloudType":"aws","tags":"\#(String(repeating: "t", count: resourceExtra))","data":{"x":"\#(String(repeating: "x", count: data))"}},"history":"\#(String(repeating: "h", count: 5_000))"}"#
        return try AlertNormalizer.normalize(try JSONValue.parse(raw), connector: "prod", observedAt: 0)
    }

    static func size(_ event: NormalizedEvent) -> Int { event.jsonValue.jsonBytes().count }

    @Test("an event within the limit is left exactly as it is")
    func untouched() throws {
        let event = try Self.event()
        #expect(EventFit.fit(event, limit: 100_000, size: Self.size) == event)
    }

    @Test("cuts go in order — resource data, descriptions, the raw resource, the raw event — and stop once it fits")
    func cutOrder() throws {
        let big = try Self.event(data: 50_000, description: 20_000, resourceExtra: 20_000)
        let afterData = EventFit.fit(big, limit: Self.size(big) - 40_000, size: Self.size)
        #expect(afterData.truncated == ["raw_event.resource.data"])
        let afterDescriptions = EventFit.fit(big, limit: 40_000, size: Self.size)
        #expect(afterDescriptions.truncated == ["raw_event.resource.data", "description"])
        #expect(
            afterDescriptions.description?.count == 1_000
                && afterDescriptions.rawEvent["policy"]?["description"]?.stringValue?.count == 1_000)
        let afterResource = EventFit.fit(big, limit: 12_000, size: Self.size)
        #expect(afterResource.truncated == ["raw_event.resource.data", "description", "raw_event.resource"])
        #expect(
            afterResource.rawEvent["resource"] == .object(["id": .string("r-1"), "name": .string("bucket"), "cloudType": .string("aws")]))
        let identity = EventFit.fit(big, limit: 3_000, size: Self.size)
        #expect(identity.truncated == ["raw_event.resource.data", "description", "raw_event.resource", "raw_event"])
        #expect(
            identity.rawEvent
                == .object([
                    "id": .string("P-1"), "status": .string("open"), "lastUpdated": .int(5),
                    "policy": .object(["name": .string("N"), "severity": .string("high")]),
                ]))
        for fitted in [afterData, afterDescriptions, afterResource, identity] {
            #expect(fitted.id == big.id && fitted.nativeID == big.nativeID && fitted.version == big.version && fitted.status == big.status)
            #expect(fitted.connector == big.connector && fitted.severity == big.severity)
        }
        #expect(Self.size(identity) <= 3_000)
    }

    @Test("what was cut is named in the event's JSON and read back")
    func marker() throws {
        var event = try Self.event()
        event.truncated = ["description"]
        #expect(event.jsonValue["truncated"] == .array([.string("description")]))
        #expect(try NormalizedEvent(json: event.jsonValue).truncated == ["description"])
        #expect(try Self.event().jsonValue["truncated"] == nil)
    }
}
