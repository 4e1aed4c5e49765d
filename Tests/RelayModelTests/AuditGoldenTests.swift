import Foundation
import RelayModel
import Testing

@Suite("Audit records of each kind in, exact normalized events out")
struct AuditGoldenTests {
    /// The recorded record of each kind, the Compute stream it comes from (nil: the tenant's audit log).
    static let kinds: [(String, ComputeAuditStream?)] = [
        ("audit-cspm", nil), ("audit-container", .container), ("audit-waas", .waas), ("audit-admission", .admission),
        ("audit-kubernetes", .kubernetes), ("audit-access", .access),
    ]

    @Test("each kind normalizes to exactly its recorded event, raw_event unchanged and read back the same", arguments: kinds)
    func golden(name: String, stream: ComputeAuditStream?) throws {
        let record = try JSONValue.parse(try fixture("\(name).json"))
        let event =
            if let stream {
                try RuntimeAuditNormalizer.normalize(
                    record, stream: stream, connector: "prod", observedAt: 1_717_500_000_000,
                    incidents: ["636a952a5a293a6ea06cbb87": "637627beb2a8e98a1c36a9db"])
            } else {
                try AuditNormalizer.normalize(record, connector: "prod", observedAt: 1_717_500_000_000)
            }
        let written = event.jsonValue.prettyJSONString()
        if ProcessInfo.processInfo.environment["PRISMA_RELAY_RECORD_GOLDEN"] == "1" {
            // Recording writes the expected file beside the sources and fails, so that a recording run never passes.
            let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
                "Fixtures/\(name).normalized.json")
            try Data((written + "\n").utf8).write(to: path)
            Issue.record("recorded \(path.lastPathComponent): review it, then run again without PRISMA_RELAY_RECORD_GOLDEN")
            return
        }
        let expected = try JSONValue.parse(try fixture("\(name).normalized.json"))
        #expect(written == expected.prettyJSONString())
        #expect(event.rawEvent.jsonBytes() == record.jsonBytes())
        #expect(try NormalizedEvent(json: event.jsonValue) == event)
    }
}
