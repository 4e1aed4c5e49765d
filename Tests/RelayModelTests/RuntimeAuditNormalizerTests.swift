import Foundation
import RelayModel
import Testing

@Suite("Compute runtime audit normalizer")
struct RuntimeAuditNormalizerTests {
    /// The reference's container runtime audit (the console's documented example, abridged).
    static let container =
        #"{"_id":"636a952a5a293a6ea06cbb87","time":"2022-11-08T17:43:06.68Z","hostname":"gke-node-1.internal","type":"processes","containerId":"6d5bb2","containerName":"/runtime-wf-base-alert","imageName":"usertwistlock/ubuntu:wf-base","effect":"alert","ruleName":"sle15-container_alert","msg":"/usr/bin/dash launched but is not found in the runtime model.","interactive":true,"pid":1955,"processPath":"/usr/bin/dash","collections":["All"],"attackType":"unexpectedProcess","count":1,"container":true,"severity":"high","region":"us-central1-a","accountID":"twistlock-test-247119","attackTechniques":["nativeBinaryExecution"],"provider":"gcp"}"#

    @Test("a container runtime audit becomes a CWPP audit event that reads like the console's line, raw_event unchanged")
    func golden() throws {
        let raw = try JSONValue.parse(Array(Self.container.utf8))
        let event = try RuntimeAuditNormalizer.normalize(raw, stream: .container, connector: "cwpp", observedAt: 1_668_000_000_000)
        #expect(event.kind == .audit && event.module == .cwpp && event.severity == .high && event.status == "alert")
        #expect(event.title == "Unexpected process detected in container runtime-wf-base-alert on host gke-node-1.internal")
        #expect(event.nativeID == "container:636a952a5a293a6ea06cbb87" && event.version == "1667929386680-1")
        #expect(event.description == "/usr/bin/dash launched but is not found in the runtime model.")
        #expect(
            event.resource
                == .init(
                    id: "6d5bb2", name: "runtime-wf-base-alert", type: "container", cloud: "gcp", accountID: "twistlock-test-247119",
                    region: "us-central1-a"))
        #expect(event.policy == .init(name: "sle15-container_alert", type: "runtime"))
        #expect(
            event.audit
                == .init(user: nil, ipAddress: nil, accessKey: false, action: "unexpectedProcess", result: "alert", type: "container"))
        #expect(event.rawEvent.jsonBytes() == raw.jsonBytes())
        #expect(try NormalizedEvent(json: event.jsonValue) == event)
    }

    @Test("an audit updated in place (a higher count) is a new version of the same audit")
    func updatedInPlace() throws {
        let first = try RuntimeAuditNormalizer.normalize(
            try JSONValue.parse(Array(Self.container.utf8)), stream: .container, connector: "cwpp", observedAt: 0)
        let again = try RuntimeAuditNormalizer.normalize(
            try JSONValue.parse(Array(Self.container.replacingOccurrences(of: #""count":1"#, with: #""count":4"#).utf8)),
            stream: .container,
            connector: "cwpp", observedAt: 0)
        #expect(first.nativeID == again.nativeID && first.id != again.id && again.version == "1667929386680-4")
    }

    @Test("a WAAS audit: severity from its effect, the attacker's address kept; an aggregated one without an id is keyed by its event id")
    func waas() throws {
        let raw: JSONValue = .object([
            "_id": .string(""), "eventID": .string("e-1"), "time": .string("2024-05-01T10:00:00Z"), "type": .string("sqli"),
            "effect": .string("prevent"), "containerName": .string("shop"), "hostname": .string("node-2"),
            "connectingIPs": .array([.string("198.51.100.7")]), "ruleName": .string("waas-shop"), "count": .int(60),
        ])
        let event = try RuntimeAuditNormalizer.normalize(raw, stream: .waas, connector: "cwpp", observedAt: 0)
        #expect(event.severity == .high && event.title == "SQL injection prevented in container shop on host node-2")
        #expect(event.nativeID.hasPrefix("waas:") && event.audit?.ipAddress == "198.51.100.7" && event.policy?.type == "waas")
        #expect(throws: NormalizationError.missingField("_id")) {
            try RuntimeAuditNormalizer.normalize(
                .object(["time": .string("2024-05-01T10:00:00Z")]), stream: .host, connector: "c", observedAt: 0)
        }
        #expect(throws: NormalizationError.missingField("time")) {
            try RuntimeAuditNormalizer.normalize(.object(["_id": .string("x")]), stream: .host, connector: "c", observedAt: 0)
        }
    }
}
