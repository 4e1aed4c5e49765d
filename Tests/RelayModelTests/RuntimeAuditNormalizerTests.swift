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

    @Test("an audit is ordered by its time, which leads its version, and its id begins with that time")
    func orderedByItsTime() throws {
        let event = try RuntimeAuditNormalizer.normalize(
            try JSONValue.parse(Array(Self.container.utf8)), stream: .container, connector: "cwpp", observedAt: 0)
        // 2022-11-08T17:43:06.68Z, as the audit's `time` says; 1667929386680 is 0x01845856aeb8.
        #expect(event.updatedMillis == 1_667_929_386_680)
        #expect(event.id.hasPrefix("evt_01845856aeb8"))
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

    @Test(
        "an app-embedded runtime audit and an agentless WAAS audit keep their own stream; a runtime audit of a known incident carries its id"
    )
    func otherRuntimeStreams() throws {
        let raw = try JSONValue.parse(Array(Self.container.utf8))
        let linked = try RuntimeAuditNormalizer.normalize(
            raw, stream: .appEmbedded, connector: "cwpp", observedAt: 0, incidents: ["636a952a5a293a6ea06cbb87": "637627beb2a8e98a1c36a9db"]
        )
        #expect(linked.nativeID == "app-embedded:636a952a5a293a6ea06cbb87" && linked.audit?.type == "app-embedded")
        #expect(linked.incidentID == "637627beb2a8e98a1c36a9db" && linked.jsonValue["incident_id"] == .string("637627beb2a8e98a1c36a9db"))
        #expect(try NormalizedEvent(json: linked.jsonValue).incidentID == "637627beb2a8e98a1c36a9db")
        #expect(try RuntimeAuditNormalizer.normalize(raw, stream: .container, connector: "cwpp", observedAt: 0).incidentID == nil)
        let agentless: JSONValue = .object([
            "_id": .string(""), "eventID": .string("e-9"), "time": .string("2024-05-01T10:00:00Z"), "type": .string("xss"),
            "effect": .string("alert"), "hostname": .string("10.0.4.4"), "firewallType": .string("agentless"), "count": .int(60),
        ])
        let waas = try RuntimeAuditNormalizer.normalize(
            agentless, stream: .waasAgentless, connector: "cwpp", observedAt: 0, incidents: ["": "never"])
        #expect(waas.title == "Cross-site scripting detected on host 10.0.4.4" && waas.severity == .medium)
        #expect(waas.nativeID.hasPrefix("waas-agentless:") && waas.policy == nil && waas.incidentID == nil)
    }

    /// `admission.Audit` as the console lists it, its AdmissionReview request as a JSON string.
    static let admission =
        #"{"time":"2024-06-03T09:12:44.5Z","ruleName":"Deny privileged pods","message":"Privileged pod creation is not allowed","operation":"CREATE","kind":"Pod","resource":"pods","username":"alice@example.com","userUid":"u-1","userGroups":["system:authenticated"],"namespace":"payments","effect":"block","rawRequest":"{\"uid\":\"705ab4f5-6393-11e8-b7cc-42010a800002\",\"operation\":\"CREATE\"}","cluster":"prod-eks","accountID":"123456789012","attackTechniques":["privilegedContainer"],"collections":["All"]}"#

    @Test("a Kubernetes admission audit: identified by its AdmissionReview uid, the user and operation as the actor and action")
    func admissionAudit() throws {
        let raw = try JSONValue.parse(Array(Self.admission.utf8))
        let event = try RuntimeAuditNormalizer.normalize(raw, stream: .admission, connector: "cwpp", observedAt: 1_717_400_000_000)
        #expect(event.nativeID == "admission:705ab4f5-6393-11e8-b7cc-42010a800002" && event.version == "1717405964500-1")
        #expect(event.title == "Kubernetes admission blocked: CREATE Pod in namespace payments by alice@example.com")
        #expect(event.severity == .high && event.status == "block" && event.module == .cwpp && event.kind == .audit)
        #expect(event.description == "Privileged pod creation is not allowed")
        #expect(event.policy == .init(name: "Deny privileged pods", type: "kubernetes"))
        #expect(
            event.resource == .init(id: "payments", name: "Pod", type: "kubernetes", cloud: nil, accountID: "123456789012", region: nil))
        #expect(
            event.audit
                == .init(user: "alice@example.com", ipAddress: nil, accessKey: false, action: "CREATE", result: "block", type: "admission"))
        #expect(event.rawEvent.jsonBytes() == raw.jsonBytes())
        // Without a readable request, the fields that tell records apart are its identity: the same record, the same id.
        let bare = try JSONValue.parse(Array(Self.admission.replacingOccurrences(of: #""rawRequest":"#, with: #""rawRequestX":"#).utf8))
        let first = try RuntimeAuditNormalizer.normalize(bare, stream: .admission, connector: "cwpp", observedAt: 0)
        #expect(first.id == (try RuntimeAuditNormalizer.normalize(bare, stream: .admission, connector: "cwpp", observedAt: 9)).id)
        #expect(first.nativeID != event.nativeID)
    }

    /// `kubeaudit.Audit`, the original Kubernetes audit event in `eventBlob`.
    static let kubernetes =
        #"{"time":"2024-06-03T10:00:00Z","verb":"get","user":{"username":"system:serviceaccount:default:builder","uid":"u-2","groups":[]},"message":"A secret was read by a user outside the deployers","sourceIPs":["203.0.113.9"],"requestURI":"/api/v1/namespaces/payments/secrets/db-password","eventBlob":"{\"kind\":\"Event\",\"auditID\":\"9d1e0f0c-2b8a-4c1e-9a53-0c1f2a3b4c5d\"}","cluster":"prod-eks","provider":"aws","accountID":"123456789012","attackTechniques":["unsecuredCredentials"]}"#

    @Test("a Kubernetes audit-log detection: identified by its auditID, medium, the verb as the action and the source address kept")
    func kubernetesAudit() throws {
        let raw = try JSONValue.parse(Array(Self.kubernetes.utf8))
        let event = try RuntimeAuditNormalizer.normalize(raw, stream: .kubernetes, connector: "cwpp", observedAt: 0)
        #expect(event.nativeID == "kubernetes:9d1e0f0c-2b8a-4c1e-9a53-0c1f2a3b4c5d" && event.severity == .medium)
        #expect(
            event.title == "Kubernetes audit: A secret was read by a user outside the deployers (system:serviceaccount:default:builder)")
        #expect(
            event.audit
                == .init(
                    user: "system:serviceaccount:default:builder", ipAddress: "203.0.113.9", accessKey: false, action: "GET",
                    result: "alert",
                    type: "kubernetes"))
        #expect(event.resource.name == "/api/v1/namespaces/payments/secrets/db-password" && event.resource.cloud == "aws")
    }

    /// `shared.Audit`, a Docker access audit.
    static let access =
        #"{"time":"2024-06-03T11:00:00Z","hostname":"ip-10-0-1-5.ec2.internal","fqdn":"ip-10-0-1-5.ec2.internal","user":"deploy","sourceIP":"10.0.3.4","api":"container_exec_create","allow":false,"ruleName":"Only on-call may exec into production","msg":"container_exec_create by the user denied by the access rule","type":"docker","containerName":"payments-api","imageName":"acme/payments-api:4.2.1","accountID":"123456789012","collections":["All"]}"#

    @Test("a Docker access audit: no id, so a digest of its fields; denied is medium, allowed low")
    func accessAudit() throws {
        let raw = try JSONValue.parse(Array(Self.access.utf8))
        let denied = try RuntimeAuditNormalizer.normalize(raw, stream: .access, connector: "cwpp", observedAt: 0)
        #expect(
            denied.title
                == "Docker access denied: container_exec_create by deploy in container payments-api on host ip-10-0-1-5.ec2.internal")
        #expect(denied.severity == .medium && denied.status == "denied" && denied.nativeID.hasPrefix("access:"))
        #expect(
            denied.audit
                == .init(
                    user: "deploy", ipAddress: "10.0.3.4", accessKey: false, action: "container_exec_create", result: "denied",
                    type: "access"))
        #expect(denied.policy == .init(name: "Only on-call may exec into production", type: "access"))
        let allowed = try RuntimeAuditNormalizer.normalize(
            try JSONValue.parse(Array(Self.access.replacingOccurrences(of: #""allow":false"#, with: #""allow":true"#).utf8)),
            stream: .access, connector: "cwpp", observedAt: 0)
        #expect(allowed.severity == .low && allowed.nativeID == denied.nativeID, "the same record, allowed: same identity")
        #expect(throws: NormalizationError.missingField("time")) {
            try RuntimeAuditNormalizer.normalize(.object(["api": .string("x")]), stream: .access, connector: "c", observedAt: 0)
        }
    }
}
