import RelayModel
import Testing

@Suite("Alert normalizer")
struct AlertNormalizerTests {
    let observedAt: Int64 = 1_669_200_000_000

    @Test("normalizes the recorded Prisma alert into the documented event, raw_event unchanged")
    func golden() throws {
        let alert = try JSONValue.parse(try fixture("cspm-alert-object.json"))
        let event = try AlertNormalizer.normalize(
            alert, connector: "prod-us", observedAt: observedAt, console: "https://app2.prismacloud.io")
        let expected = try JSONValue.parse(try fixture("cspm-alert-object.normalized.json"))
        #expect(event.jsonValue.prettyJSONString() == expected.prettyJSONString())
        #expect(event.rawEvent == alert)
        #expect(event.rawEvent.jsonBytes() == alert.jsonBytes())
    }

    @Test("links to the alert in the console of the tenant's region; hosts that are not Prisma's give no link")
    func consoleLink() {
        #expect(PrismaAPIHost.consoleURL(apiURL: "https://api2.eu.prismacloud.io") == "https://app2.eu.prismacloud.io")
        #expect(PrismaAPIHost.consoleURL(apiURL: "https://api.prismacloud.cn/") == "https://app.prismacloud.cn")
        #expect(PrismaAPIHost.consoleURL(apiURL: "http://127.0.0.1:8081") == nil)
        #expect(PrismaAPIHost.consoleURL(apiURL: "https://prisma-proxy.example.com") == nil)
        #expect(
            PrismaAPIHost.alertLink(console: "https://app.prismacloud.io", alertID: "P-12&3")
                == "https://app.prismacloud.io/alerts/overview?viewId=default&filters=%7B%22alert.id%22:%5B%22P-12%263%22%5D%7D")
    }

    @Test("the event survives a round trip through its JSON shape")
    func jsonRoundTrip() throws {
        let alert = try JSONValue.parse(try fixture("cspm-alert-object.json"))
        let event = try AlertNormalizer.normalize(alert, connector: "prod-us", observedAt: observedAt)
        #expect(try NormalizedEvent(json: try JSONValue.parse(event.jsonValue.jsonString())) == event)
    }

    @Test("keeps the original tier, maps critical to high, case-folds status and cloud")
    func caseFolding() throws {
        let alert = try JSONValue.parse(
            #"""
            {"id":"P-9","status":"RESOLVED","lastUpdated":5,"policy":{"severity":"Critical","policyType":"IAM","name":"n"},
             "resource":{"cloudType":"AWS"}}
            """#)
        let event = try AlertNormalizer.normalize(alert, connector: "c", observedAt: 0)
        #expect(event.severity == .high)
        #expect(event.originalSeverity == "Critical")
        #expect(event.status == "resolved")
        #expect(event.module == .ciem)
        #expect(event.resource.cloud == "aws")
        #expect(event.version == "5")
    }

    @Test("a new lastUpdated is a new version with a new id; the same version keeps its id")
    func versions() throws {
        let v1 = try JSONValue.parse(#"{"id":"P-1","lastUpdated":100,"policy":{}}"#)
        let v2 = try JSONValue.parse(#"{"id":"P-1","lastUpdated":200,"policy":{}}"#)
        let a = try AlertNormalizer.normalize(v1, connector: "c", observedAt: 0)
        let b = try AlertNormalizer.normalize(v1, connector: "c", observedAt: 99)
        let c = try AlertNormalizer.normalize(v2, connector: "c", observedAt: 0)
        #expect(a.id == b.id)
        #expect(a.id != c.id)
        #expect(c.version == "200")
    }

    @Test("an alert without an id cannot be identified and is refused")
    func missingID() throws {
        #expect(throws: NormalizationError.missingField("id")) {
            try AlertNormalizer.normalize(try JSONValue.parse(#"{"status":"open"}"#), connector: "c", observedAt: 0)
        }
        #expect(throws: NormalizationError.notAnObject) {
            try AlertNormalizer.normalize(.array([]), connector: "c", observedAt: 0)
        }
    }

    @Test("formats epoch milliseconds as RFC 3339 UTC")
    func timestamps() {
        #expect(Timestamp.rfc3339(epochMilliseconds: 0) == "1970-01-01T00:00:00.000Z")
        #expect(Timestamp.rfc3339(epochMilliseconds: 1_669_196_436_771) == "2022-11-23T09:40:36.771Z")
        #expect(Timestamp.rfc3339(epochMilliseconds: 951_782_400_000) == "2000-02-29T00:00:00.000Z")
        #expect(Timestamp.rfc3339(epochMilliseconds: -1) == "1969-12-31T23:59:59.999Z")
        #expect(Timestamp.rfc3339(epochMilliseconds: 253_402_300_799_999) == "9999-12-31T23:59:59.999Z")
        #expect(Timestamp.rfc3339(epochMilliseconds: 253_402_300_800_000) == "10000-01-01T00:00:00.000Z")
        #expect(Timestamp.rfc3339(epochMilliseconds: -62_167_219_200_000) == "0000-01-01T00:00:00.000Z")
    }

    @Test("event ids are stable and keep identity fields apart")
    func eventIDs() {
        let id = EventID.make(connector: "a", kind: .alert, nativeID: "P-1", version: "1")
        #expect(id == EventID.make(connector: "a", kind: .alert, nativeID: "P-1", version: "1"))
        #expect(id.hasPrefix("evt_") && id.count == 36)
        #expect(
            EventID.make(connector: "ab", kind: .alert, nativeID: "c", version: "1")
                != EventID.make(connector: "a", kind: .alert, nativeID: "bc", version: "1"))
    }

    @Test("an id begins with the milliseconds its version holds, so ids sort by time; an incident's id is all hash")
    func eventIDsLeadWithTime() {
        func id(_ kind: EventKind, _ version: String) -> String {
            EventID.make(connector: "prod", kind: kind, nativeID: "P-1", version: version)
        }
        func hashOnly(_ kind: EventKind, _ version: String) -> String {
            "evt_" + EventID.digest(["prod", kind.rawValue, "P-1", version])
        }
        // 1669196436771 ms is 0x0184a3dc5523; the other 20 digits are the hash's last 20.
        let alert = id(.alert, "1669196436771")
        #expect(alert == "evt_0184a3dc5523" + hashOnly(.alert, "1669196436771").suffix(20))
        #expect(id(.alert, "1669196436772") > alert)
        #expect(id(.alert, "999") < alert)
        #expect(id(.audit, "1669196436771-3").hasPrefix("evt_0184a3dc5523"))
        #expect(id(.health, "1669196436771").hasPrefix("evt_0184a3dc5523"))
        #expect(id(.heartbeat, "0").hasPrefix("evt_000000000000"))
        // An incident's version is its hex `_id`, even one that starts with digits.
        #expect(id(.incident, "637627beb2a8e98a1c36a9db") == hashOnly(.incident, "637627beb2a8e98a1c36a9db"))
        #expect(id(.incident, "1669196436771") == hashOnly(.incident, "1669196436771"))
        // A version that is no time the id can hold keeps the whole hash.
        #expect(id(.alert, "-5") == hashOnly(.alert, "-5"))
        #expect(id(.alert, "1234567890123456") == hashOnly(.alert, "1234567890123456"))
        #expect(id(.alert, "281474976710656") == hashOnly(.alert, "281474976710656"))
        #expect(id(.alert, "281474976710655").hasPrefix("evt_ffffffffffff"))
        #expect(id(.alert, "") == hashOnly(.alert, ""))
    }
}
