import Foundation
import RelayModel
import RelayStore
import Testing

/// Connectors, their state, events, integrations and rules: the records every store keeps the same way.
extension StoreConformanceTests {
    static func slack(_ id: String = "int-slack", name: String = "soc-slack") -> Integration {
        Integration(
            id: id, name: name, type: .slack, config: ["webhookUrl": .string("https://hooks.slack.com/services/T1/B1/SLACK-SECRET-TOKEN")],
            createdBy: "admin", createdTs: 1)
    }

    static func splunk() -> Integration {
        Integration(
            id: "int-splunk", name: "splunk", type: .splunk,
            config: [
                "url": .string("https://splunk.example.com:8088"), "authToken": .string("HEC-SECRET-TOKEN"), "sourceType": .string("_json"),
            ],
            createdBy: "admin", createdTs: 1)
    }

    @Test("the cursor moves only with the commit that carries it, and a failed poll keeps it", arguments: StoreUnderTest.all)
    func cursor(_ kind: StoreUnderTest) async throws {
        let store = try await kind.open()
        try await store.addConnector(Self.connector)
        _ = try await store.commit(events: [try Self.event("P-1")], connector: "prod", cursor: nil)
        #expect(try await store.state(of: "prod").cursor == nil)
        _ = try await store.commit(events: [], connector: "prod", cursor: 5000)
        try await store.recordPoll(PollRecord(connector: "prod", startedAt: 5900, finishedAt: 6000, error: "boom"))
        let state = try await store.state(of: "prod")
        #expect(state.cursor == 5000)
        #expect(state.status == .error)
        #expect(state.lastError == "boom")
        #expect(state.totalEvents == 1)
    }

    @Test("status goes pending → active → error → active, and disabled when switched off", arguments: StoreUnderTest.all)
    func statuses(_ kind: StoreUnderTest) async throws {
        let store = try await kind.open()
        try await store.addConnector(Self.connector)
        #expect(try await store.state(of: "prod").status == .pending)
        try await store.recordPoll(PollRecord(connector: "prod", startedAt: 0, finishedAt: 1, added: 4))
        var active = try await store.state(of: "prod")
        #expect(active.createdAt != nil)
        active.createdAt = nil
        // A poll that added events says when, for the connector's quiet alarm.
        #expect(active == ConnectorState(status: .active, lastPollAt: 1, lastSuccessAt: 1, lastEventsAdded: 4, lastAddedAt: 1))
        try await store.recordPoll(
            PollRecord(connector: "prod", startedAt: 1, finishedAt: 2, error: "bad key at https://u:SECRET@api.example.com/x"))
        let failed = try await store.state(of: "prod")
        #expect(failed.status == .error && failed.lastSuccessAt == 1 && failed.lastPollAt == 2)
        #expect(failed.lastError?.contains("SECRET") == false)
        try await store.noteWaiting(connector: "prod", "waiting out Prisma's rate limit")
        #expect(try await store.state(of: "prod").waiting == "waiting out Prisma's rate limit")
        try await store.recordPoll(PollRecord(connector: "prod", startedAt: 2, finishedAt: 3))
        #expect(try await store.state(of: "prod").lastError == nil)
        #expect(try await store.state(of: "prod").lastAddedAt == 1)
        #expect(try await store.state(of: "prod").waiting == nil)
        var off = Self.connector
        off.enabled = false
        try await store.updateConnector(off)
        #expect(try await store.state(of: "prod").status == .disabled)
    }

    @Test("connector names are unique and unknown names are reported", arguments: StoreUnderTest.all)
    func connectorNames(_ kind: StoreUnderTest) async throws {
        let store = try await kind.open()
        try await store.addConnector(Self.connector)
        var second = Self.connector
        second.name = "dev"
        try await store.addConnector(second)
        #expect(try await store.connectors().map(\.name) == ["dev", "prod"])
        await #expect(throws: StoreError.connectorExists("prod")) { try await store.addConnector(Self.connector) }
        await #expect(throws: StoreError.unknownConnector("nope")) { try await store.state(of: "nope") }
        await #expect(throws: StoreError.unknownConnector("nope")) { try await store.removeConnector(named: "nope") }
        await #expect(throws: StoreError.unknownConnector("nope")) {
            try await store.recordPoll(PollRecord(connector: "nope", startedAt: 0, finishedAt: 1))
        }
        try await store.removeConnector(named: "prod")
        #expect(try await store.connectors().map(\.name) == ["dev"])
        #expect(try await store.connector(named: "prod") == nil)
    }

    @Test("events list newest first, filter and search, and survive reopening the database", arguments: StoreUnderTest.all)
    func listing(_ kind: StoreUnderTest) async throws {
        let store = try await kind.open()
        try await store.addConnector(Self.connector)
        _ = try await store.commit(
            events: [
                try Self.event("P-1", version: 10, severity: "low"), try Self.event("P-2", version: 30),
                try Self.event("P-3", version: 20, severity: "critical"),
            ],
            connector: "prod", cursor: 30)
        let reopened = try await kind.reopen(store)
        #expect(try await reopened.events(EventQuery()).map(\.nativeID) == ["P-2", "P-3", "P-1"])
        #expect(try await reopened.events(EventQuery(severity: .high)).map(\.nativeID) == ["P-2", "P-3"])
        #expect(try await reopened.events(EventQuery(limit: 1)).map(\.nativeID) == ["P-2"])
        #expect(try await reopened.events(EventQuery(text: "p-3")).map(\.nativeID) == ["P-3"])
        #expect(try await reopened.events(EventQuery(text: "%")).isEmpty)
        #expect(try await reopened.events(EventQuery(connector: "other")).isEmpty)
        #expect(try await reopened.events(EventQuery(connector: "prod", kind: .alert, nativeID: "P-3")).map(\.nativeID) == ["P-3"])
        let summary = try await reopened.eventSummary(connector: nil)
        #expect(summary == EventSummary(total: 3, bySeverity: [.high: 2, .low: 1], byModule: [.cspm: 3]))
        #expect(try await reopened.eventSummary(connector: "other").total == 0)
        #expect(try await reopened.state(of: "prod").cursor == 30)
        let one = try Self.event("P-2", version: 30)
        #expect(try await reopened.event(id: one.id) == one)
        #expect(try await reopened.event(id: "missing") == nil)
        #expect(try await reopened.hourlyCounts(since: 0, connector: nil).map(\.count).reduce(0, +) == 3)
        #expect(try await reopened.hourlyCounts(since: 0, connector: "prod").map(\.count).reduce(0, +) == 3)
        #expect(try await reopened.hourlyCounts(since: 0, connector: "other").isEmpty)
    }

    @Test("integration configs are sealed, come back whole and survive reopening; names are unique", arguments: StoreUnderTest.all)
    func integrations(_ kind: StoreUnderTest) async throws {
        let store = try await kind.open()
        try await store.addIntegration(Self.slack())
        try await store.addIntegration(Self.splunk())
        #expect(try await kind.reopen(store).integration(id: "int-splunk") == Self.splunk())
        #expect(try await store.integrations().map(\.name) == ["soc-slack", "splunk"])
        await #expect(throws: StoreError.integrationNameExists("soc-slack")) { try await store.addIntegration(Self.slack("other")) }
        var renamed = Self.splunk()
        renamed.name = "soc-slack"
        await #expect(throws: StoreError.integrationNameExists("soc-slack")) { try await store.updateIntegration(renamed) }
        await #expect(throws: StoreError.unknownIntegration("ghost")) {
            try await store.updateIntegration(Self.slack("ghost", name: "ghost"))
        }
        for bytes in try await kind.bytesAtRest(store) {
            #expect(bytes.range(of: Data("SLACK-SECRET-TOKEN".utf8)) == nil)
            #expect(bytes.range(of: Data("HEC-SECRET-TOKEN".utf8)) == nil)
        }
    }

    @Test("an event is queued once for each integration its matching rules name, in the same commit", arguments: StoreUnderTest.all)
    func routing(_ kind: StoreUnderTest) async throws {
        let store = try await kind.open()
        try await store.addConnector(Self.connector)
        try await store.addIntegration(Self.slack())
        try await store.addIntegration(Self.splunk())
        var highOnly = AlertRule.Filters()
        highOnly.severities = [.high]
        try await store.addRule(AlertRule(id: "r1", name: "everything to splunk", integrationIDs: ["int-splunk"]))
        try await store.addRule(
            AlertRule(id: "r2", name: "high to slack and splunk", filters: highOnly, integrationIDs: ["int-slack", "int-splunk"]))
        let high = try Self.event("P-1", severity: "critical")
        let low = try Self.event("P-2", severity: "low")
        #expect(try await store.commit(events: [high, low, high], connector: "prod", cursor: 10) == 2)
        let queued = try await store.outbox(integrationID: nil).map { "\($0.eventID)→\($0.integrationID)" }
        #expect(Set(queued) == ["\(high.id)→int-splunk", "\(high.id)→int-slack", "\(low.id)→int-splunk"])
        #expect(queued.count == 3)
        // The same version again adds no event and no delivery.
        #expect(try await store.commit(events: [high], connector: "prod", cursor: nil) == 0)
        #expect(try await store.outbox(integrationID: nil).count == 3)
        #expect(try await store.outbox(integrationID: "int-slack").map(\.eventID) == [high.id])
        let states = try await store.deliveries(eventIDs: [high.id, low.id])
        #expect(states[high.id]?.map(\.state) == ["pending", "pending"])
        #expect(states[low.id]?.map(\.integrationID) == ["int-splunk"])
    }

    @Test(
        "disabled rules route nothing; a rule must name existing integrations; an integration in use cannot go",
        arguments: StoreUnderTest.all)
    func ruleIntegrity(_ kind: StoreUnderTest) async throws {
        let store = try await kind.open()
        try await store.addConnector(Self.connector)
        try await store.addIntegration(Self.splunk())
        await #expect(throws: StoreError.unknownIntegration("nope")) {
            try await store.addRule(AlertRule(id: "x", name: "x", integrationIDs: ["nope"]))
        }
        try await store.addRule(AlertRule(id: "r", name: "off", enabled: false, integrationIDs: ["int-splunk"]))
        await #expect(throws: StoreError.ruleNameExists("off")) {
            try await store.addRule(AlertRule(id: "r2", name: "off", integrationIDs: ["int-splunk"]))
        }
        _ = try await store.commit(events: [try Self.event("P-1")], connector: "prod", cursor: nil)
        #expect(try await store.outbox(integrationID: "int-splunk").isEmpty)
        await #expect(throws: StoreError.integrationInUse(id: "int-splunk", rules: ["off"])) {
            try await store.removeIntegration(id: "int-splunk")
        }
        var on = try #require(try await store.rule(id: "r"))
        on.enabled = true
        try await store.updateRule(on)
        _ = try await store.commit(events: [try Self.event("P-2")], connector: "prod", cursor: nil)
        #expect(try await store.outbox(integrationID: "int-splunk").count == 1)
        #expect(try await store.rules().map(\.enabled) == [true])
        try await store.removeRule(id: "r")
        await #expect(throws: StoreError.unknownRule("r")) { try await store.removeRule(id: "r") }
        try await store.removeIntegration(id: "int-splunk")
        #expect(try await store.integrations().isEmpty)
    }

    @Test("API keys are unique by name, revoked once, and note their last use", arguments: StoreUnderTest.all)
    func apiKeys(_ kind: StoreUnderTest) async throws {
        let store = try await kind.open()
        let key = APIKey(id: "k1", name: "ops", secretHash: "hash", createdAt: 10, role: .admin)
        try await store.addAPIKey(key)
        try await store.addAPIKey(APIKey(id: "k2", name: "soc", secretHash: "hash2", createdAt: 20, role: .readOnly))
        await #expect(throws: StoreError.apiKeyNameExists("ops")) {
            try await store.addAPIKey(APIKey(id: "k3", name: "ops", secretHash: "h", createdAt: 30, role: .admin))
        }
        #expect(try await store.apiKey(id: "k1") == key)
        try await store.noteAPIKeyUse(id: "k1", at: 99)
        #expect(try await store.apiKey(id: "k1")?.lastUsedAt == 99)
        #expect(try await store.revokeAPIKey("soc", at: 100))
        #expect(try await !store.revokeAPIKey("k2", at: 101))
        #expect(try await store.apiKeys().map(\.revokedAt) == [nil, 100])
    }

    @Test("findings that could not be normalized are kept once each, newest first", arguments: StoreUnderTest.all)
    func rejected(_ kind: StoreUnderTest) async throws {
        let store = try await kind.open()
        try await store.addConnector(Self.connector)
        let bad = RejectedFinding(connector: "prod", reason: "no id", raw: .object(["status": .string("open")]), rejectedAt: 5)
        let worse = RejectedFinding(connector: "prod", reason: "no policy", raw: .object(["id": .string("P-9")]), rejectedAt: 7)
        try await store.recordRejected([bad, worse, bad])
        try await store.recordRejected([bad])
        #expect(try await store.rejectedFindings(connector: "prod").map(\.reason) == ["no policy", "no id"])
        #expect(try await store.rejectedFindings(connector: nil).count == 2)
        #expect(try await store.rejectedFindings(connector: "other").isEmpty)
        #expect(try await store.state(of: "prod").rejectedFindings == 2)
    }

    @Test("health set by one writer is what every reader sees, and pauses lift when the integration changes", arguments: StoreUnderTest.all)
    func health(_ kind: StoreUnderTest) async throws {
        let store = try await Self.routed(kind)
        var health = IntegrationHealth()
        health.status = .red
        health.paused = true
        health.errorType = "auth"
        health.message = "401 from https://user:TOKEN@hooks.example.com/x"
        health.statusCode = 401
        health.lastUpdated = 5
        health.failureStreak = 3
        try await store.setIntegrationHealth(integrationID: "hook", health)
        let other = try await kind.reopen(store)
        let seen = try await other.integrationHealth(id: "hook")
        #expect(seen.status == .red && seen.paused && seen.statusCode == 401 && seen.failureStreak == 3)
        #expect(seen.message?.contains("TOKEN") == false)
        var changed = try #require(try await store.integration(id: "hook"))
        changed.description = "new token"
        try await store.updateIntegration(changed)
        let lifted = try await other.integrationHealth(id: "hook")
        #expect(!lifted.paused && lifted.status == .green)
    }
}
