import Foundation
import HTTPServing
import PrismaSim
import Relay
import RelayModel
import RelayStore
import TestSupport
import Testing

@Suite("CSPM audit logs collected by a connector")
struct AuditLogPollTests {
    @Test(
        "a connector that collects the audit log stores every record of its window once, across pages; the next poll's overlap adds nothing"
    )
    func collects() async throws {
        let rig = try await Rig.start()
        defer { Task { await rig.stop() } }
        await rig.simulator.addRecentAlerts(30, hours: 2)
        let records = await rig.simulator.addAuditRecords(1_200, hours: 2)
        var config = rig.config()
        config.includeAuditLogs = true
        try await rig.app.connectors.add(config)
        let report = try await rig.app.connectors.poll("prod")
        #expect(report.error == nil, "\(String(describing: report.error))")
        let audits = try await rig.app.store.events(EventQuery(connector: "prod", kind: .audit, limit: 10_000))
        #expect(audits.count == records.count, "three pages of at most 500, every record once")
        #expect(Set(audits.map(\.rawEvent)) == Set(records))
        #expect(audits.allSatisfy { $0.audit?.type == "cspm" && $0.module == .cspm })
        #expect(try await rig.app.store.events(EventQuery(connector: "prod", kind: .alert, limit: 10_000)).count == 30)

        // The next poll reaches back over the last one's window: what it fetches again is absorbed.
        rig.clock.advance(seconds: 300)
        let again = try await rig.app.connectors.poll("prod")
        #expect(again.error == nil && again.added == 0)
        // New records arrive: only they are added.
        await rig.simulator.addAuditRecords(5, hours: 0)
        rig.clock.advance(seconds: 1)
        #expect(try await rig.app.connectors.poll("prod").added == 5)
    }

    @Test("a rule that names audit records and a result routes only those to its integration; audit filters alone are refused")
    func routed() async throws {
        let rig = try await Rig.start()
        defer { Task { await rig.stop() } }
        let receiver = WebhookReceiver(token: "tok")
        let hook = try await receiver.serve()
        defer { Task { await hook.stop() } }
        await rig.simulator.addRecentAlerts(10, hours: 1)
        let records = await rig.simulator.addAuditRecords(200, hours: 1)
        var config = rig.config()
        config.includeAuditLogs = true
        try await rig.app.connectors.add(config)
        let integration = try await rig.app.integrations.create(.webhook("soc", url: hook.url + "/hook"), by: "test")
        await #expect(throws: ConfigErrors.self) {
            _ = try await rig.app.rules.create(
                RuleService.Draft(name: "no kind", filters: ["auditResults": ["failure"]], integrationIDs: [integration.id]))
        }
        do {
            _ = try await rig.app.rules.create(
                RuleService.Draft(
                    name: "bad log", filters: ["kinds": ["audit"], "auditTypes": ["syslog"]], integrationIDs: [integration.id]))
            Issue.record("an unknown audit log was accepted")
        } catch let errors as ConfigErrors {
            #expect(errors.errors.map(\.field) == ["filters.auditTypes"] && errors.description.contains("cspm, container, host"))
        }
        _ = try await rig.app.rules.create(
            RuleService.Draft(
                name: "failed audit", filters: ["kinds": ["audit"], "auditResults": ["failure"]], integrationIDs: [integration.id]))
        #expect(try await rig.app.connectors.poll("prod").error == nil)
        rig.clock.advance(milliseconds: max(0, Int64(Date().timeIntervalSince1970 * 1000) - rig.clock.now + 1_000))
        while try await rig.app.integrations.deliverDue(integration) > 0 {}
        let failed = records.filter { ["failed", "fail"].contains($0["result"]?.stringValue?.lowercased() ?? "") }
        let delivered = await receiver.received.map(\.body)
        #expect(!failed.isEmpty && delivered.count == failed.count, "\(delivered.count) of \(failed.count)")
        #expect(delivered.allSatisfy { $0["kind"] == .string("audit") && $0["audit"]?["result"] == .string("failure") })
    }

    @Test("a window that matches too many records for Prisma (413) is read in halves: every record is stored once")
    func windowTooLarge() async throws {
        let rig = try await Rig.start()
        defer { Task { await rig.stop() } }
        await rig.simulator.setAuditLogMatchLimit(300)
        let records = await rig.simulator.addAuditRecords(1_000, hours: 6)
        var config = rig.config()
        config.includeAuditLogs = true
        try await rig.app.connectors.add(config)
        let report = try await rig.app.connectors.poll("prod")
        #expect(report.error == nil, "\(String(describing: report.error))")
        let audits = try await rig.app.store.events(EventQuery(connector: "prod", kind: .audit, limit: 10_000))
        #expect(audits.count == records.count && Set(audits.map(\.rawEvent)) == Set(records))
    }

    @Test("a key whose role may not view audit logs: the poll fails saying so, and the cursor waits until it is fixed")
    func forbidden() async throws {
        let rig = try await Rig.start()
        defer { Task { await rig.stop() } }
        var user = SimUser(accessKeyID: "no-audit", secretKey: "pw", tenants: rig.simulator.user.tenants)
        user.canViewAuditLogs = false
        await rig.simulator.addUser(user)
        await rig.simulator.addAuditRecords(10, hours: 1)
        var config = rig.config(secret: "pw", keyID: "no-audit")
        config.includeAuditLogs = true
        try await rig.app.connectors.add(config)
        let report = try await rig.app.connectors.poll("prod")
        #expect(
            report.error?.hasPrefix(
                "Prisma Cloud refused to show the tenant's audit log (HTTP 403): the access key's role may not view audit logs")
                == true, "\(String(describing: report.error))")
        #expect(try await rig.app.connectors.state(of: "prod").cursor == nil)
    }

    @Test(
        "a Compute connector collects the audit streams it names, page by page, once; an empty stream is fine; each runtime audit of an incident carries the incident's id"
    )
    func runtimeAudits() async throws {
        let rig = try await Rig.start()
        defer { Task { await rig.stop() } }
        // An incident is made of runtime audits, which its workload's runtime route lists too.
        var linked: [String: String] = [:]
        for id in await rig.simulator.addRecentIncidents(20, hours: 1) {
            let incident = try #require(await rig.simulator.incident(id))
            guard ["container", "fargate", "host"].contains(incident["type"]?.stringValue ?? "") else { continue }
            for audit in incident["audits"]?.arrayValue ?? [] { linked[try #require(audit["_id"]?.stringValue)] = id }
        }
        #expect(!linked.isEmpty)
        let containers = await rig.simulator.addRuntimeAudits(.container, 120, hours: 1)
        let firewall = await rig.simulator.addRuntimeAudits(.waas, 30, hours: 1)
        await rig.simulator.addRuntimeAudits(.serverless, 10, hours: 1)
        var config = rig.computeConfig()
        config.runtimeAudits = [.container, .host, .waas]
        try await rig.app.connectors.add(config)
        let report = try await rig.app.connectors.poll("compute")
        #expect(report.error == nil, "\(String(describing: report.error))")
        // Audits are read two minutes behind the incidents: the next poll brings the last two minutes'.
        rig.clock.advance(seconds: 180)
        #expect(try await rig.app.connectors.poll("compute").error == nil)
        let audits = try await rig.app.store.events(EventQuery(connector: "compute", kind: .audit, limit: 10_000))
        #expect(audits.count == containers.count + firewall.count + linked.count, "serverless was not asked for")
        #expect(
            Set(audits.compactMap { $0.audit?.type }).isSubset(of: ["container", "host", "waas"])
                && audits.allSatisfy { $0.module == .cwpp })
        // Linked exactly: each incident's audits carry its id, every other audit none.
        var found: [String: String] = [:]
        for event in audits {
            guard let incident = event.incidentID else { continue }
            found[try #require(event.rawEvent["_id"]?.stringValue)] = incident
            #expect(event.jsonValue["incident_id"] == .string(incident))
        }
        #expect(found == linked)
        #expect(try await rig.app.store.events(EventQuery(connector: "compute", kind: .incident, limit: 100)).count == 20)
        rig.clock.advance(seconds: 300)
        #expect(try await rig.app.connectors.poll("compute").added == 0)
    }

    @Test(
        "an incident formed after its audits, in a later poll than theirs would be, still links them: audits are read two minutes behind the incidents"
    )
    func linkedAcrossPolls() async throws {
        let rig = try await Rig.start()
        defer { Task { await rig.stop() } }
        var config = rig.computeConfig()
        config.runtimeAudits = ComputeAuditStream.allCases.filter(\.isRuntime)
        try await rig.app.connectors.add(config)
        // Incidents a minute from now, their audits a few seconds before them.
        var linked: [String: String] = [:]
        for id in await rig.simulator.addIncidents(12, start: rig.clock.now + 60_000, spread: 1) {
            let incident = try #require(await rig.simulator.incident(id))
            for audit in incident["audits"]?.arrayValue ?? [] { linked[try #require(audit["_id"]?.stringValue)] = id }
        }
        #expect(!linked.isEmpty)
        #expect(try await rig.app.connectors.poll("compute").added == 0, "nothing has happened yet")
        rig.clock.advance(seconds: 70)
        #expect(try await rig.app.connectors.poll("compute").added == 12, "the incidents, not yet their audits")
        rig.clock.advance(seconds: 200)
        #expect(try await rig.app.connectors.poll("compute").added == linked.count)
        let audits = try await rig.app.store.events(EventQuery(connector: "compute", kind: .audit, limit: 1_000))
        var found: [String: String] = [:]
        for event in audits { found[try #require(event.rawEvent["_id"]?.stringValue)] = event.incidentID }
        #expect(found == linked)
    }

    @Test("every Compute audit stream — runtime, WAAS of each workload, Kubernetes admission and audits, access — is collected once")
    func everyStream() async throws {
        let rig = try await Rig.start()
        defer { Task { await rig.stop() } }
        var records: [JSONValue] = []
        for stream in ComputeAuditStream.allCases { records += await rig.simulator.addRuntimeAudits(stream, 15, hours: 1) }
        var config = rig.computeConfig()
        config.runtimeAudits = ComputeAuditStream.allCases
        try await rig.app.connectors.add(config)
        #expect(try await rig.app.connectors.poll("compute").error == nil)
        rig.clock.advance(seconds: 180)
        #expect(try await rig.app.connectors.poll("compute").error == nil)
        let audits = try await rig.app.store.events(EventQuery(connector: "compute", kind: .audit, limit: 10_000))
        #expect(audits.count == records.count && Set(audits.map(\.rawEvent)) == Set(records))
        #expect(Set(audits.compactMap { $0.audit?.type }) == Set(ComputeAuditStream.allCases.map(\.rawValue)))
        #expect(audits.allSatisfy { !$0.title.isEmpty && $0.module == .cwpp })
        rig.clock.advance(seconds: 300)
        #expect(try await rig.app.connectors.poll("compute").added == 0)
    }

    @Test("the audit log is a CSPM connector's: a Compute connector asking for it is refused by name")
    func computeRefused() {
        var config = ConnectorConfig(
            name: "cwpp", type: .compute, apiURL: "https://us-east1.cloud.twistlock.com/us-1-111111111", accessKeyID: "k",
            secretKey: Secret("s"))
        config.includeAuditLogs = true
        #expect(throws: ConfigErrors.self) { try config.validated() }
    }
}
