import Foundation
import RelayModel
import RelayStore
import Testing

@Suite("SQLite store: integrations, rules and the outbox")
struct RoutingStoreTests {
    func slack(_ id: String = "int-slack", name: String = "soc-slack") -> Integration {
        Integration(
            id: id, name: name, type: .slack, config: ["webhookUrl": .string("https://hooks.slack.com/services/T1/B1/SLACK-SECRET-TOKEN")],
            createdBy: "admin", createdTs: 1)
    }

    func splunk() -> Integration {
        Integration(
            id: "int-splunk", name: "splunk", type: .splunk,
            config: [
                "url": .string("https://splunk.example.com:8088"), "authToken": .string("HEC-SECRET-TOKEN"), "sourceType": .string("_json"),
            ],
            createdBy: "admin", createdTs: 1)
    }

    @Test("integration configs are sealed at rest and come back whole; names are unique")
    func sealed() async throws {
        let path = try temporaryDatabase()
        let store = try SQLiteStore(path: path)
        try await store.addIntegration(slack())
        try await store.addIntegration(splunk())
        #expect(try await store.integration(id: "int-splunk") == splunk())
        await #expect(throws: StoreError.integrationNameExists("soc-slack")) { try await store.addIntegration(slack("other")) }
        for file in [path, path + "-wal"] {
            if let bytes = FileManager.default.contents(atPath: file) {
                #expect(bytes.range(of: Data("SLACK-SECRET-TOKEN".utf8)) == nil)
                #expect(bytes.range(of: Data("HEC-SECRET-TOKEN".utf8)) == nil)
            }
        }
    }

    @Test("an event is queued once for each integration its matching rules name, in the same commit")
    func routing() async throws {
        let store = try SQLiteStore(path: try temporaryDatabase())
        try await store.addConnector(prod)
        try await store.addIntegration(slack())
        try await store.addIntegration(splunk())
        var highOnly = AlertRule.Filters()
        highOnly.severities = [.high]
        try await store.addRule(AlertRule(id: "r1", name: "everything to splunk", integrationIDs: ["int-splunk"]))
        try await store.addRule(
            AlertRule(id: "r2", name: "high to slack and splunk", filters: highOnly, integrationIDs: ["int-slack", "int-splunk"]))
        let high = try event("P-1", version: 1, severity: "critical")
        let low = try event("P-2", version: 1, severity: "low")
        #expect(try await store.commit(events: [high, low], connector: "prod", cursor: 10) == 2)
        let queued = try await store.outbox(integrationID: nil).map { "\($0.eventID)→\($0.integrationID)" }
        #expect(Set(queued) == ["\(high.id)→int-splunk", "\(high.id)→int-slack", "\(low.id)→int-splunk"])
        #expect(queued.count == 3)
        // The same version again adds no event and no delivery.
        #expect(try await store.commit(events: [high], connector: "prod", cursor: nil) == 0)
        #expect(try await store.outbox(integrationID: nil).count == 3)
    }

    @Test("a failed commit stores neither the events nor their deliveries")
    func atomic() async throws {
        let store = try SQLiteStore(path: try temporaryDatabase())
        try await store.addConnector(prod)
        try await store.addIntegration(splunk())
        try await store.addRule(AlertRule(id: "r", name: "all", integrationIDs: ["int-splunk"]))
        await #expect(throws: StoreError.unknownConnector("ghost")) {
            try await store.commit(events: [try event("P-9", version: 1)], connector: "ghost", cursor: 5)
        }
        #expect(try await store.events(EventQuery()).isEmpty)
        #expect(try await store.outbox(integrationID: nil).isEmpty)
    }

    @Test("disabled rules route nothing; a rule must name existing integrations; an integration in use cannot go")
    func ruleIntegrity() async throws {
        let store = try SQLiteStore(path: try temporaryDatabase())
        try await store.addConnector(prod)
        try await store.addIntegration(splunk())
        await #expect(throws: StoreError.unknownIntegration("nope")) {
            try await store.addRule(AlertRule(id: "x", name: "x", integrationIDs: ["nope"]))
        }
        try await store.addRule(AlertRule(id: "r", name: "off", enabled: false, integrationIDs: ["int-splunk"]))
        _ = try await store.commit(events: [try event("P-1", version: 1)], connector: "prod", cursor: nil)
        #expect(try await store.outbox(integrationID: "int-splunk").isEmpty)
        await #expect(throws: StoreError.integrationInUse(id: "int-splunk", rules: ["off"])) {
            try await store.removeIntegration(id: "int-splunk")
        }
        try await store.removeRule(id: "r")
        try await store.removeIntegration(id: "int-splunk")
        #expect(try await store.integrations().isEmpty)
    }
}
