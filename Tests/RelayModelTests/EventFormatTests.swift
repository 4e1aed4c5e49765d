import Foundation
import RelayModel
import TestSupport
import Testing

/// The formats a whole-event destination may send: each rendered from the reference's alert and incident and from a
/// relay health event, then checked by a validator outside the relay — OCSF's Detection Finding (py-ocsf-models) and
/// the schema of Prisma Cloud's webhook notification (jsonschema).
@Suite("Event formats: OCSF and Prisma's notification, validated against their schemas")
struct EventFormatTests {
    static func events() throws -> [NormalizedEvent] {
        let alert = try AlertNormalizer.normalize(
            try JSONValue.parse(try fixture("cspm-alert-object.json")), connector: "prod-us", observedAt: 1_669_200_000_000)
        var critical = try JSONValue.parse(try fixture("cspm-alert-object.json"))
        if case .object(var object) = critical, case .object(var policy)? = object["policy"] {
            policy["severity"] = .string("critical")
            object["policy"] = .object(policy)
            object["status"] = .string("resolved")
            critical = .object(object)
        }
        let resolved = try AlertNormalizer.normalize(critical, connector: "prod-us", observedAt: 1_669_200_000_000)
        let incident = try IncidentNormalizer.normalize(
            try JSONValue.parse(try fixture("cwpp-incident.json")), connector: "prod-compute", observedAt: 1_669_200_000_000)
        let config = ConnectorConfig(name: "prod-us", apiURL: "https://api2.prismacloud.io", accessKeyID: "k", secretKey: Secret("s"))
        let health = Silence.event(
            config, condition: .stale, since: 1_669_100_000_000,
            sentence: "Connector prod-us has not polled successfully for 3 intervals", observedAt: 1_669_200_000_000)
        return [alert, resolved, incident, health]
    }

    /// Runs the validator on `documents`, one per line; its output.
    static func validate(_ format: String, _ documents: [JSONValue]) async throws -> (status: Int32, output: String) {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("relay-\(format)-\(UUID().uuidString).jsonl")
        try Data(documents.map { $0.jsonString() }.joined(separator: "\n").utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../formats/validate.py")
        let finished = try await ChildProcess.run(["python3", script.standardized.path, format, file.path])
        return (finished.status, String(decoding: finished.stdout + finished.stderr, as: UTF8.self))
    }

    @Test("every event as OCSF is a valid Detection Finding, nothing outside the class, raw_event whole in raw_data")
    func ocsf() async throws {
        let events = try Self.events()
        let rendered = events.map { EventFormat.ocsf.render($0) }
        let result = try await Self.validate("ocsf", rendered)
        #expect(result.status == 0 && result.output.hasPrefix("4 valid ocsf"), "\(result.output)")

        let open = rendered[0]
        #expect(open["type_uid"] == .int(200_401) && open["activity_name"] == .string("Create"))
        #expect(open["severity_id"] == .int(4) && open["status_id"] == .int(1))
        #expect(open["finding_info"]?["uid"] == .string("P-11111") && open["finding_info"]?["analytic"]?["name"] == .string("Policy name"))
        #expect(open["cloud"]?["account"]?["uid"] == .string("111111111111") && open["cloud"]?["account"]?["type_id"] == .int(10))
        #expect(try JSONValue.parse(Array((open["raw_data"]?.stringValue ?? "").utf8)) == events[0].rawEvent)
        // Critical stays critical (OCSF has it); a resolved alert closes the finding.
        #expect(rendered[1]["severity_id"] == .int(5) && rendered[1]["type_uid"] == .int(200_403) && rendered[1]["status_id"] == .int(4))
        #expect(rendered[3]["metadata"]?["product"]?["name"] == .string("PrismaRelay"))
        // The validator refuses what OCSF does not have: a field outside the class, a severity id it does not define.
        var broken = open.objectValue ?? [:]
        broken["colour"] = .string("blue")
        broken["severity_id"] = .int(7)
        let refused = try await Self.validate("ocsf", [.object(broken)])
        #expect(refused.status == 1 && refused.output.contains("severity_id"), "\(refused.output)")
        broken["severity_id"] = .int(4)
        let unknown = try await Self.validate("ocsf", [.object(broken)])
        #expect(unknown.status == 1 && unknown.output.contains("colour is not an OCSF Detection Finding field"), "\(unknown.output)")
    }

    @Test("an audit record as OCSF is a valid API Activity: the action as the activity, the user as the actor, the address as the source")
    func ocsfAudit() async throws {
        let records: [JSONValue] = [
            .object([
                "timestamp": .int(1_693_819_702_240), "user": .string("john.user@example.com"), "ipAddress": .string("81.2.69.142"),
                "actionType": .string("LOGIN"), "resourceType": .string("Login"), "resourceName": .string("john.user@example.com"),
                "action": .string("'john.user@example.com' logged in via access key."), "result": .string("fail"),
            ]),
            .object([
                "timestamp": .int(1_693_819_800_000), "user": .string("Prisma Cloud System"),
                "ipAddress": .string("Prisma Public Cloud Internal IP"), "actionType": .string("DELETE"),
                "resourceType": .string("Integration"), "resourceName": .string("soc-splunk"), "result": .string("Successful"),
            ]),
        ]
        let rendered = try records.map { EventFormat.ocsf.render(try AuditNormalizer.normalize($0, connector: "prod", observedAt: 0)) }
        let result = try await Self.validate("ocsf", rendered)
        #expect(result.status == 0 && result.output.hasPrefix("2 valid ocsf"), "\(result.output)")
        #expect(rendered[0]["class_uid"] == .int(6003) && rendered[0]["activity_id"] == .int(99) && rendered[0]["status_id"] == .int(2))
        #expect(rendered[0]["actor"]?["user"]?["email_addr"] == .string("john.user@example.com"))
        #expect(rendered[0]["src_endpoint"] == .object(["ip": .string("81.2.69.142")]))
        #expect(
            rendered[1]["type_uid"] == .int(600_304) && rendered[1]["src_endpoint"]?["name"] == .string("Prisma Public Cloud Internal IP"))
        // The schema is closed: what API Activity does not have is refused.
        var broken = rendered[0].objectValue ?? [:]
        broken["finding_info"] = .object(["uid": .string("x")])
        let refused = try await Self.validate("ocsf", [.object(broken)])
        #expect(refused.status == 1 && refused.output.contains("finding_info"), "\(refused.output)")
        // In Prisma's format an audit record is the record itself, as Prisma forwards its audit log.
        #expect(EventFormat.prisma.render(try AuditNormalizer.normalize(records[0], connector: "prod", observedAt: 0)) == records[0])
    }

    @Test("a Compute runtime audit as OCSF is a valid Detection Finding, created once; in Prisma's format it is the audit itself")
    func ocsfRuntimeAudit() async throws {
        let raw: JSONValue = .object([
            "_id": .string("636a952a5a293a6ea06cbb87"), "time": .string("2022-11-08T17:43:06.68Z"), "hostname": .string("node-1"),
            "containerName": .string("/nginx"), "attackType": .string("cryptoMinerProcess"), "effect": .string("block"),
            "severity": .string("high"), "ruleName": .string("default"), "provider": .string("aws"), "accountID": .string("123456789012"),
            "msg": .string("/tmp/xmrig launched"), "count": .int(1),
        ])
        let event = try RuntimeAuditNormalizer.normalize(raw, stream: .container, connector: "cwpp", observedAt: 0)
        let rendered = EventFormat.ocsf.render(event)
        let result = try await Self.validate("ocsf", [rendered])
        #expect(result.status == 0 && result.output.hasPrefix("1 valid ocsf"), "\(result.output)")
        #expect(rendered["class_uid"] == .int(2004) && rendered["type_uid"] == .int(200_401) && rendered["severity_id"] == .int(4))
        #expect(EventFormat.prisma.render(event) == raw)
    }

    @Test("every event in Prisma's format matches Prisma's webhook notification schema, a CSPM alert's keys taken from the alert")
    func prisma() async throws {
        let events = try Self.events()
        let rendered = events.map { EventFormat.prisma.render($0) }
        // Prisma posts an array; the validator takes one body per line.
        let result = try await Self.validate("prisma", [.array(rendered), .array([rendered[2]])])
        #expect(result.status == 0 && result.output.hasPrefix("2 valid prisma"), "\(result.output)")
        let alert = rendered[0]
        #expect(alert["alertId"] == .string("P-11111") && alert["policyName"] == .string("Policy name"))
        #expect(alert["alertTs"] == .int(1_668_017_403_014) && alert["resourceRegionId"] == .string("us-east-1"))
        #expect(alert["resource"]?["rrn"] == .string("rrn::name:place:111:a1b2:a%3Ajj55-2023-01-29-09-25"))
        #expect(alert["complianceMetadata"]?.arrayValue?.count == 1 && alert["resourceCloudService"] == .string("Amazon VPC"))
        #expect(rendered[1]["severity"] == .string("critical") && rendered[1]["alertStatus"] == .string("resolved"))
        // What the schema refuses, the validator reports: it is not a check that cannot fail.
        var broken = alert.objectValue ?? [:]
        broken["alertTs"] = .string("yesterday")
        let refused = try await Self.validate("prisma", [.array([.object(broken)])])
        #expect(refused.status == 1 && refused.output.contains("alertTs"), "\(refused.output)")
    }

    @Test("a heartbeat is the relay's own shape in every format; relay is the default")
    func heartbeat() {
        let integration = Integration(
            id: "i-1", name: "soc", type: IntegrationType(rawValue: "webhook"), config: [:], createdBy: "test", createdTs: 0)
        let beat = Heartbeat.event(for: integration, minutes: 5, now: 1_669_200_000_000)
        for format in EventFormat.allCases { #expect(format.render(beat) == beat.jsonValue) }
        #expect(EventFormat(integrationConfig: [:]) == .relay && EventFormat(integrationConfig: ["format": .string("ocsf")]) == .ocsf)
    }
}
