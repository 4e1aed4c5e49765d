import RelayModel
import Testing

@Suite("Incident normalizer")
struct IncidentNormalizerTests {
    @Test("normalizes the documented incident into the event shape, raw_event unchanged")
    func golden() throws {
        let incident = try JSONValue.parse(try fixture("cwpp-incident.json"))
        let event = try IncidentNormalizer.normalize(incident, connector: "prod-compute", observedAt: 1_669_200_000_000)
        let expected = try JSONValue.parse(try fixture("cwpp-incident.normalized.json"))
        #expect(event.jsonValue.prettyJSONString() == expected.prettyJSONString())
        #expect(event.rawEvent.jsonBytes() == incident.jsonBytes())
        #expect(try NormalizedEvent(json: event.jsonValue) == event)
    }

    static let titles: [(String, String)] = [
        ("portScanning", "Port scanning"), ("hijackedProcess", "Hijacked process"), ("dataExfiltration", "Data exfiltration"),
        ("kubernetes", "Kubernetes attack"), ("backdoorAdministrativeAccount", "Backdoor administrative account"),
        ("backdoorSSHAccess", "Backdoor SSH access"), ("cryptoMiner", "Crypto miner"), ("lateralMovement", "Lateral movement"),
        ("bruteForce", "Brute force"), ("customRule", "Custom rule match"), ("alteredBinary", "Altered binary"),
        ("suspiciousBinary", "Suspicious binary"), ("executionFlowHijackAttempt", "Execution flow hijack attempt"),
        ("reverseShell", "Reverse shell"), ("malware", "Malware"), ("cloudProvider", "Cloud provider attack"),
    ]

    @Test("every category reads as words in the title", arguments: titles)
    func categoryTitles(category: String, words: String) throws {
        let incident = try JSONValue.parse(#"{"_id":"x","category":"\#(category)","type":"container","app":"nginx","cluster":"prod"}"#)
        let event = try IncidentNormalizer.normalize(incident, connector: "c", observedAt: 0)
        #expect(event.title == "\(words) on container nginx in cluster prod")
    }

    @Test(
        "titles name the workload by its type",
        arguments: [
            (#""type":"host","hostname":"ip-10-0-0-1""#, "Malware on host ip-10-0-0-1"),
            (#""type":"function","function":"billing-handler""#, "Malware on function billing-handler"),
            (#""type":"container","containerName":"/k8s_api_0""#, "Malware on container k8s_api_0"),
            (#""type":"appEmbedded","app":"shop""#, "Malware on embedded app shop"),
            (#""type":"fargate","app":"worker""#, "Malware on Fargate task worker"),
            (#""type":"newKind","category":"somethingNew""#, "Something new on host"),
        ])
    func workloadTitles(fields: String, title: String) throws {
        let json = fields.contains("category") ? #"{"_id":"x",\#(fields)}"# : #"{"_id":"x","category":"malware",\#(fields)}"#
        #expect(try IncidentNormalizer.normalize(try JSONValue.parse(json), connector: "c", observedAt: 0).title == title)
    }

    @Test(
        "severity is the highest among the audits; no audits means medium",
        arguments: [
            (#"[{"severity":"low"},{"severity":"HIGH"},{"severity":"medium"}]"#, Severity.high, "HIGH" as String?),
            (#"[{"severity":"low"},{"severity":"medium"}]"#, .medium, "medium"),
            (#"[{"severity":"low"}]"#, .low, "low"),
            ("[]", .medium, nil),
        ])
    func severity(audits: String, expected: Severity, original: String?) throws {
        let incident = try JSONValue.parse(#"{"_id":"x","category":"malware","type":"host","audits":\#(audits)}"#)
        let event = try IncidentNormalizer.normalize(incident, connector: "c", observedAt: 0)
        #expect(event.severity == expected)
        #expect(event.originalSeverity == original)
        #expect(event.module == .cwpp && event.kind == .incident)
    }

    @Test("an incident without _id cannot be identified")
    func missingID() {
        #expect(throws: NormalizationError.missingField("_id")) {
            try IncidentNormalizer.normalize(try JSONValue.parse(#"{"category":"malware"}"#), connector: "c", observedAt: 0)
        }
    }

    @Test("reads RFC 3339 times with and without fractions and offsets")
    func parsesTimes() {
        #expect(Timestamp.epochMilliseconds(rfc3339: "2024-05-01T12:34:56.789Z") == 1_714_566_896_789)
        #expect(Timestamp.epochMilliseconds(rfc3339: "2024-05-01T12:34:56Z") == 1_714_566_896_000)
        #expect(Timestamp.epochMilliseconds(rfc3339: "2024-05-01T14:34:56.7+02:00") == 1_714_566_896_700)
        #expect(Timestamp.epochMilliseconds(rfc3339: "2024-05-01T12:34:56.123456789Z") == 1_714_566_896_123)
        #expect(Timestamp.epochMilliseconds(rfc3339: "2024-13-01T12:34:56Z") == nil)
        #expect(Timestamp.epochMilliseconds(rfc3339: "yesterday") == nil)
    }
}
