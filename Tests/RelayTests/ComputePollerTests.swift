import Foundation
import HTTPServing
import PrismaSim
import Relay
import RelayModel
import RelayStore
import Testing

@Suite("Compute connector end to end")
struct ComputePollerTests {
    @Test("1,000 incidents in one window, 20 pages of 50, are all stored exactly once")
    func thousandIncidents() async throws {
        let rig = try await Rig.start()
        defer { Task { await rig.stop() } }
        let ids = await rig.simulator.addRecentIncidents(1_000, hours: 2)
        try await rig.app.connectors.add(rig.computeConfig())
        let report = try await rig.app.connectors.poll("compute")
        #expect(report.error == nil)
        #expect(report.pages == 20)
        #expect(report.added == 1_000)
        let stored = try await rig.storedIDs("compute")
        #expect(stored.count == 1_000)
        #expect(Set(stored).symmetricDifference(ids).isEmpty)
        rig.clock.advance(seconds: 300)
        #expect(try await rig.app.connectors.poll("compute").added == 0)
        #expect(await rig.simulator.counters["compute.acknowledge", default: 0] == 0)
    }

    @Test("a poll that dies mid-paging, then runs again, stores each incident exactly once")
    func crashMidPaging() async throws {
        let crashing = CrashAfterCommits(limit: 4)
        let rig = try await Rig.start(store: { crashing.wrap($0) })
        defer { Task { await rig.stop() } }
        let ids = await rig.simulator.addRecentIncidents(600, hours: 2)
        try await rig.app.connectors.add(rig.computeConfig())
        #expect(try await rig.app.connectors.poll("compute").error?.contains("simulated crash") == true)
        let partial = try await rig.storedIDs("compute").count
        #expect(partial > 0 && partial < 600)
        crashing.disarm()
        rig.clock.advance(seconds: 60)
        #expect(try await rig.app.connectors.poll("compute").added == 600 - partial)
        let stored = try await rig.storedIDs("compute")
        #expect(stored.count == 600 && Set(stored).symmetricDifference(ids).isEmpty)
    }

    @Test("5xx, 429 and malformed JSON are survived with no loss")
    func faultsSurvived() async throws {
        let rig = try await Rig.start(faults: SimFaults(serverErrors: 3, rateLimited: 5, malformedJSON: 2))
        defer { Task { await rig.stop() } }
        let ids = await rig.simulator.addRecentIncidents(300, hours: 2)
        try await rig.app.connectors.add(rig.computeConfig())
        let report = try await rig.app.connectors.poll("compute")
        #expect(report.error == nil)
        #expect(Set(try await rig.storedIDs("compute")).symmetricDifference(ids).isEmpty)
    }

    @Test("an HTML answer shows as the connector's error meanwhile; the next poll recovers everything")
    func htmlThenRecovery() async throws {
        let rig = try await Rig.start(faults: SimFaults(htmlErrorPage: 100))
        defer { Task { await rig.stop() } }
        let ids = await rig.simulator.addRecentIncidents(120, hours: 2)
        try await rig.app.connectors.add(rig.computeConfig())
        _ = try await rig.app.connectors.poll("compute")
        let failed = try await rig.app.connectors.state(of: "compute")
        #expect(failed.status == .error)
        #expect(failed.lastError?.contains("where JSON was expected") == true)
        await rig.simulator.setFaults(SimFaults())
        rig.clock.advance(seconds: 300)
        _ = try await rig.app.connectors.poll("compute")
        #expect(try await rig.app.connectors.state(of: "compute").status == .active)
        #expect(Set(try await rig.storedIDs("compute")).symmetricDifference(ids).isEmpty)
    }

    @Test("a console path without the tenant id says so, with the expected form")
    func missingTenantPath() async throws {
        let rig = try await Rig.start()
        defer { Task { await rig.stop() } }
        try await rig.app.connectors.add(rig.computeConfig(url: rig.server.url))
        let result = try await rig.app.connectors.test("compute")
        #expect(!result.success)
        #expect(result.message.contains("lacks the tenant path"))
        #expect(result.message.contains("https://us-east1.cloud.twistlock.com/us-1-123456789"))
    }

    @Test("a wrong password says to check the key pair; a good one answers Connection successful")
    func credentials() async throws {
        let rig = try await Rig.start()
        defer { Task { await rig.stop() } }
        try await rig.app.connectors.add(rig.computeConfig(name: "bad", secret: "nope"))
        try await rig.app.connectors.add(rig.computeConfig(name: "good"))
        let bad = try await rig.app.connectors.poll("bad")
        #expect(bad.error?.contains("refused the user name and password (HTTP 401)") == true)
        #expect(try await rig.app.connectors.state(of: "bad").status == .error)
        #expect(try await rig.app.connectors.test("good").message.hasPrefix("Connection successful at "))
    }

    @Test("a console that issues no tokens is read with Basic credentials")
    func basicFallback() async throws {
        let rig = try await Rig.start(computeIssuesTokens: false)
        defer { Task { await rig.stop() } }
        let ids = await rig.simulator.addRecentIncidents(75, hours: 1)
        try await rig.app.connectors.add(rig.computeConfig())
        let report = try await rig.app.connectors.poll("compute")
        #expect(report.error == nil)
        #expect(Set(try await rig.storedIDs("compute")).symmetricDifference(ids).isEmpty)
        #expect(await rig.simulator.counters["status.405", default: 0] == 1)
    }

    @Test("a CSPM API URL where the console path belongs is refused, naming the field")
    func cspmURLRefused() async throws {
        let rig = try await Rig.start()
        defer { Task { await rig.stop() } }
        for url in ["https://api2.eu.prismacloud.io", "https://app.prismacloud.io", "https://us-east1.cloud.twistlock.com"] {
            do {
                try await rig.app.connectors.add(rig.computeConfig(url: url))
                Issue.record("\(url) should be refused")
            } catch let errors as ConfigErrors {
                #expect(errors.errors.map(\.field) == ["apiURL"])
                #expect(errors.description.contains("us-1-123456789"))
            }
        }
    }

    @Test("acknowledged incidents are collected only when asked")
    func acknowledged() async throws {
        let rig = try await Rig.start()
        defer { Task { await rig.stop() } }
        let ids = await rig.simulator.addRecentIncidents(60, hours: 1)
        let ack = try await rig.simulator.simRequestAcknowledge(ids[0])
        #expect(ack)
        try await rig.app.connectors.add(rig.computeConfig(name: "open-only"))
        var all = rig.computeConfig(name: "all")
        all.includeAcknowledged = true
        try await rig.app.connectors.add(all)
        _ = try await rig.app.connectors.poll("open-only")
        _ = try await rig.app.connectors.poll("all")
        #expect(try await rig.storedIDs("open-only").count == 59)
        let everything = try await rig.app.store.events(EventQuery(connector: "all", limit: 100))
        #expect(everything.count == 60)
        #expect(everything.first { $0.nativeID == ids[0] }?.status == "resolved")
    }
}

extension PrismaSimulator {
    /// Acknowledges an incident the way an operator would in the console.
    func simRequestAcknowledge(_ id: String) async throws -> Bool {
        let response = acknowledgeIncident(
            SimRequest(
                headers: ["Authorization": "Basic " + Data("\(user.accessKeyID):\(user.secretKey)".utf8).base64EncodedString()],
                body: Array(#"{"acknowledged":true}"#.utf8)),
            tenant: computeTenant, id: id)
        return response.status == 200
    }
}

@Suite("CSPM connector collecting its tenant's incidents")
struct CSPMWithIncidentsTests {
    @Test("the console path comes from /meta_info and the same key's JWT reads the incidents")
    func viaMetaInfo() async throws {
        let rig = try await Rig.start()
        defer { Task { await rig.stop() } }
        let alerts = await rig.simulator.addRecentAlerts(150, hours: 2)
        let incidents = await rig.simulator.addRecentIncidents(80, hours: 2)
        var config = rig.config()
        config.includeIncidents = true
        try await rig.app.connectors.add(config)
        let report = try await rig.app.connectors.poll("prod")
        #expect(report.error == nil)
        #expect(report.added == 230)
        #expect(Set(try await rig.storedIDs()).symmetricDifference(alerts + incidents).isEmpty)
        #expect(await rig.simulator.counters["meta_info", default: 0] == 1)
        #expect(await rig.simulator.counters["compute.authenticate", default: 0] == 1)
    }

    @Test("a given console path is used as is, and a wrong one is the poll's error")
    func givenConsolePath() async throws {
        let rig = try await Rig.start()
        defer { Task { await rig.stop() } }
        await rig.simulator.addRecentIncidents(10, hours: 1)
        var good = rig.config(name: "good")
        good.includeIncidents = true
        good.computeURL = rig.server.url + "/" + (rig.simulator.computeTenant ?? "")
        var bad = good
        bad.name = "bad"
        bad.computeURL = rig.server.url
        try await rig.app.connectors.add(good)
        try await rig.app.connectors.add(bad)
        #expect(try await rig.app.connectors.poll("good").added == 10)
        #expect(await rig.simulator.counters["meta_info", default: 0] == 0)
        #expect(try await rig.app.connectors.poll("bad").error?.contains("lacks the tenant path") == true)
    }
}
