import HTTPServing
import PrismaSim
import Relay
import RelayModel
import RelayStore
import Testing

@Suite("Troubleshooting: each failure yields its message, in the connector's status")
struct TroubleshootingTests {
    @Test("wrong keys: a sentence that Prisma refused the access key, with the likely causes and the seed's phrase in the detail")
    func wrongKeys() async throws {
        let rig = try await Rig.start()
        defer { Task { await rig.stop() } }
        await rig.simulator.addRecentAlerts(20)
        try await rig.app.connectors.add(rig.config(secret: "wrong-secret"))
        let report = try await rig.app.connectors.poll("prod")
        let state = try await rig.app.connectors.state(of: "prod")
        #expect(state.status == .error)
        #expect(state.lastError == report.error)
        #expect(state.lastError?.hasPrefix("Prisma Cloud refused the access key (HTTP 401): check the key ID and secret") == true)
        #expect(state.lastError?.contains("your tenant's region") == true)
        #expect(state.lastError?.contains("Detail: could not exchange access keys for prisma cloud JWT") == true)
        #expect(try await rig.storedIDs().isEmpty)
        let test = try await rig.app.connectors.test("prod")
        #expect(!test.success)
        #expect(test.message.hasPrefix("Prisma Cloud refused the access key"))
    }

    @Test("a key whose role lacks Alerts: View: the 403 says so")
    func forbidden() async throws {
        let rig = try await Rig.start()
        defer { Task { await rig.stop() } }
        await rig.simulator.addUser(
            SimUser(accessKeyID: "read-nothing", secretKey: "pw", canViewAlerts: false, tenants: rig.simulator.user.tenants))
        try await rig.app.connectors.add(rig.config(secret: "pw", keyID: "read-nothing"))
        _ = try await rig.app.connectors.poll("prod")
        #expect(try await rig.app.connectors.state(of: "prod").lastError?.contains("lacks Alerts: View") == true)
        #expect(try await rig.app.connectors.test("prod").message.contains("lacks Alerts: View"))
    }

    @Test("an HTML page where JSON belongs: the status says so, and the next poll recovers with nothing lost")
    func htmlThenRecovery() async throws {
        let rig = try await Rig.start(faults: SimFaults(htmlErrorPage: 100))
        defer { Task { await rig.stop() } }
        let ids = await rig.simulator.addRecentAlerts(120)
        try await rig.app.connectors.add(rig.config())
        _ = try await rig.app.connectors.poll("prod")
        let failed = try await rig.app.connectors.state(of: "prod")
        #expect(failed.status == .error)
        #expect(failed.lastError?.contains("where JSON was expected") == true)
        await rig.simulator.setFaults(SimFaults())
        rig.clock.advance(seconds: 300)
        _ = try await rig.app.connectors.poll("prod")
        let recovered = try await rig.app.connectors.state(of: "prod")
        #expect(recovered.status == .active && recovered.lastError == nil)
        #expect(Set(try await rig.storedIDs()).symmetricDifference(ids).isEmpty)
    }

    @Test("Test Connection answers 'Connection successful' with a time stamp")
    func testConnection() async throws {
        let rig = try await Rig.start()
        defer { Task { await rig.stop() } }
        try await rig.app.connectors.add(rig.config())
        let result = try await rig.app.connectors.test("prod")
        #expect(result.success)
        #expect(result.message == "Connection successful at \(Timestamp.rfc3339(epochMilliseconds: rig.clock.now))")
    }

    @Test("a console URL is refused before anything is stored, naming the API URL to use")
    func consoleURL() async throws {
        let rig = try await Rig.start()
        defer { Task { await rig.stop() } }
        var config = rig.config()
        config.apiURL = "https://app2.eu.prismacloud.io"
        await #expect(
            throws: ConfigErrors([
                ConfigError(
                    field: "apiURL", "app2.eu.prismacloud.io is the Prisma Cloud console, not the API: use https://api2.eu.prismacloud.io")
            ])
        ) {
            try await rig.app.connectors.add(config)
        }
        #expect(try await rig.app.store.connectors().isEmpty)
    }

    @Test("an undocumented host is accepted with a warning listing the documented API hosts")
    func customHostWarning() async throws {
        let rig = try await Rig.start()
        defer { Task { await rig.stop() } }
        let warnings = try await rig.app.connectors.add(rig.config())
        #expect(warnings.count == 1)
        #expect(warnings[0].contains("api.prismacloud.io, api2.prismacloud.io"))
    }

    @Test("an unreachable API URL shows as an error that names the URL")
    func unreachable() async throws {
        let rig = try await Rig.start()
        await rig.stop()
        try await rig.app.connectors.add(rig.config())
        let report = try await rig.app.connectors.poll("prod")
        #expect(report.error?.contains("could not reach \(rig.server.url)") == true)
    }
}

@Suite("Poll window and request")
struct PollWindowTests {
    let config = ConnectorConfig(name: "c", apiURL: "https://api.prismacloud.io", accessKeyID: "k", secretKey: Secret("s"))

    @Test("the first poll reaches back by the look-back; later polls start at the cursor less the overlap")
    func window() {
        #expect(Poller.window(cursor: nil, now: 100_000_000, config: config) == (100_000_000 - 86_400_000)...100_000_000)
        #expect(Poller.window(cursor: 90_000_000, now: 100_000_000, config: config) == (90_000_000 - 120_000)...100_000_000)
    }

    @Test("the request is the documented FilterModel: absolute epoch-ms range, status and time-type filters, detailed, newest first")
    func request() {
        let query = CSPMSource.query(window: 1_000...2_000, config: config)
        #expect(
            query.jsonValue.jsonString()
                == #"{"timeRange":{"type":"absolute","value":{"startTime":1000,"endTime":2000}},"filters":[{"name":"alert.status","operator":"=","value":"open"},{"name":"timeRange.type","operator":"=","value":"ALERT_UPDATED"}],"sortBy":["lastUpdated:desc"],"limit":200,"detailed":true}"#
        )
    }
}
