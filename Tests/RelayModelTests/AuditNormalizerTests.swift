import Foundation
import RelayModel
import Testing

@Suite("Audit log normalizer")
struct AuditNormalizerTests {
    /// The reference's audit record (Elastic's fixture): a failed log-in with an access key.
    static let record =
        #"{"timestamp":1693819702240,"user":"john.user@google.com","ipAddress":"81.2.69.142","actionType":"LOGIN","resourceName":"john.user@google.com","action":"'john.user@google.com'(with role 'System Admin':'System Admin') logged in via access key.","resourceType":"Login","result":"fail"}"#

    @Test("a record becomes a kind: audit event with its actor, action and result, raw_event unchanged")
    func golden() throws {
        let raw = try JSONValue.parse(Array(Self.record.utf8))
        let event = try AuditNormalizer.normalize(raw, connector: "prod-us", observedAt: 1_693_820_000_000)
        let json = event.jsonValue
        #expect(json["kind"] == .string("audit") && json["module"] == .string("CSPM"))
        #expect(json["version"] == .string("1693819702240") && json["status"] == .string("failure"))
        #expect(json["severity"] == .string("medium"), "a failed log-in is medium")
        #expect(
            json["title"]
                == .string("'john.user@google.com'(with role 'System Admin':'System Admin') logged in via access key. (failed)"))
        #expect(
            json["audit"]
                == .object([
                    "user": .string("john.user@google.com"), "ip_address": .string("81.2.69.142"), "access_key": .bool(true),
                    "action": .string("LOGIN"), "result": .string("failure"), "type": .string("cspm"),
                ]))
        #expect(json["resource"]?["type"] == .string("Login") && json["resource"]?["name"] == .string("john.user@google.com"))
        #expect(json["first_seen"] == .string("2023-09-04T09:28:22.240Z") && json["last_seen"] == json["first_seen"])
        #expect(event.rawEvent.jsonBytes() == raw.jsonBytes())
        #expect(try NormalizedEvent(json: json) == event, "the audit part survives the stored JSON shape")
    }

    @Test(
        "identity is a digest of the whole record: fetched again it is the same event; two records of one millisecond stay two, even when alike"
    )
    func identity() throws {
        let raw = try JSONValue.parse(Array(Self.record.utf8))
        let first = try AuditNormalizer.normalize(raw, connector: "prod-us", observedAt: 1)
        let again = try AuditNormalizer.normalize(try JSONValue.parse(Array(Self.record.utf8)), connector: "prod-us", observedAt: 2)
        #expect(first.id == again.id && first.nativeID.hasPrefix("audit-"))
        let sibling = try JSONValue.parse(Array(Self.record.replacingOccurrences(of: "81.2.69.142", with: "81.2.69.143").utf8))
        #expect(try AuditNormalizer.normalize(sibling, connector: "prod-us", observedAt: 1).id != first.id)
        // A second record alike in every field is its own event.
        let twin = try AuditNormalizer.normalize(raw, connector: "prod-us", observedAt: 1, occurrence: 2)
        #expect(twin.id != first.id && twin.nativeID == first.nativeID + "-2")
    }

    @Test(
        "Prisma's result words read as success or failure, and set the severity with the action",
        arguments: [
            ("Successful", "LOGIN", "success", Severity.info), ("True", "UPDATE", "success", .info), ("Failed", "UPDATE", "failure", .low),
            ("False", "LOGIN", "failure", .medium), ("Success", "DELETE", "success", .low),
        ])
    func results(word: String, action: String, result: String, severity: Severity) throws {
        let raw: JSONValue = .object([
            "timestamp": .int(1), "actionType": .string(action), "result": .string(word), "user": .string("a@example.com"),
            "resourceType": .string("Alert Rule"), "resourceName": .string("r"),
        ])
        let event = try AuditNormalizer.normalize(raw, connector: "c", observedAt: 0)
        #expect(event.status == result && event.severity == severity && event.audit?.result == result)
        #expect(
            event.title.hasPrefix("a@example.com \(action.lowercased()) Alert Rule r"),
            "without action text, the title is made of the fields")
    }

    @Test("a record without a timestamp cannot be placed, and is set aside")
    func noTimestamp() {
        #expect(throws: NormalizationError.missingField("timestamp")) {
            try AuditNormalizer.normalize(.object(["user": .string("x")]), connector: "c", observedAt: 0)
        }
    }
}
