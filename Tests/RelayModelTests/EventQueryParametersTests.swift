import RelayModel
import Testing

@Suite("Event query parameters")
struct EventQueryParametersTests {
    static func parse(_ parameters: [String: String]) throws(ConfigErrors) -> EventQuery {
        try EventQuery { parameters[$0] }
    }

    @Test("each parameter becomes its filter; empty ones filter nothing")
    func parses() throws {
        let query = try Self.parse([
            "connector": "prod", "severity": "high", "kind": "incident", "module": "CWPP", "status": "open", "q": "s3",
            "delivery": "dead", "integration": "hook", "after": "1700000000000.42", "limit": "250", "unused": "x",
        ])
        #expect(
            query
                == EventQuery(
                    connector: "prod", severity: .high, kind: .incident, module: .cwpp, status: "open", text: "s3",
                    delivery: DeliveryFilter(state: .dead, integrationID: "hook"),
                    after: EventCursor(updatedMillis: 1_700_000_000_000, seq: 42), limit: 250))
        #expect(try Self.parse(["severity": "", "q": ""]) == EventQuery())
        #expect(try Self.parse(["integration": "hook"]).delivery == DeliveryFilter(integrationID: "hook"))
    }

    @Test("a value no filter takes is refused, naming the parameter and what it takes")
    func refuses() {
        do {
            _ = try Self.parse(["severity": "urgent", "limit": "5000", "kind": "x"])
            Issue.record("accepted")
        } catch {
            #expect(error.errors.map(\.field) == ["severity", "kind", "limit"])
            #expect(error.errors[0].message == #"must be one of high, medium, low, info, not "urgent""#)
            #expect(error.errors[2].message.hasPrefix("must be a whole number from 1 to 1000"))
        }
    }
}
