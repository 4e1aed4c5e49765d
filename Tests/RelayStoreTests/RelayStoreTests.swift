import Crypto
import Foundation
import RelayModel
import RelayStore
import Testing

/// A fresh database file in a temporary directory.
func temporaryDatabase() throws -> String {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("relay-store-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    return directory.appendingPathComponent("relay.sqlite").path
}

func event(_ id: String, version: Int64, severity: String = "high", connector: String = "prod") throws -> NormalizedEvent {
    let alert = try JSONValue.parse(
        #"{"id":"\#(id)","status":"open","lastUpdated":\#(version),"policy":{"severity":"\#(severity)","name":"p"}}"#)
    return try AlertNormalizer.normalize(alert, connector: connector, observedAt: 1_700_000_000_000)
}

let prod = ConnectorConfig(name: "prod", apiURL: "https://api.prismacloud.io", accessKeyID: "key-id", secretKey: Secret("the-secret-value"))

@Suite("SQLite store")
struct RelayStoreTests {
    @Test("the same event version stored twice stays one row; a new version is a new row")
    func deduplicates() async throws {
        let store = try SQLiteStore(path: try temporaryDatabase())
        try await store.addConnector(prod)
        #expect(
            try await store.commit(events: [try event("P-1", version: 1), try event("P-2", version: 1)], connector: "prod", cursor: nil)
                == 2)
        #expect(try await store.commit(events: [try event("P-1", version: 1)], connector: "prod", cursor: nil) == 0)
        #expect(try await store.commit(events: [try event("P-1", version: 2)], connector: "prod", cursor: nil) == 1)
        #expect(try await store.state(of: "prod").totalEvents == 3)
    }

    @Test("the cursor moves only with the commit that carries it, and a failed poll keeps it")
    func cursor() async throws {
        let store = try SQLiteStore(path: try temporaryDatabase())
        try await store.addConnector(prod)
        _ = try await store.commit(events: [try event("P-1", version: 1)], connector: "prod", cursor: nil)
        #expect(try await store.state(of: "prod").cursor == nil)
        _ = try await store.commit(events: [], connector: "prod", cursor: 5000)
        try await store.recordPoll(connector: "prod", at: 6000, outcome: .failure(message: "boom"))
        let state = try await store.state(of: "prod")
        #expect(state.cursor == 5000)
        #expect(state.status == .error)
        #expect(state.lastError == "boom")
    }

    @Test("status goes pending → active → error → active, and disabled when switched off")
    func statuses() async throws {
        let store = try SQLiteStore(path: try temporaryDatabase())
        try await store.addConnector(prod)
        #expect(try await store.state(of: "prod").status == .pending)
        try await store.recordPoll(connector: "prod", at: 1, outcome: .success(added: 4))
        #expect(try await store.state(of: "prod") == ConnectorState(status: .active, lastPollAt: 1, lastSuccessAt: 1, lastEventsAdded: 4))
        try await store.recordPoll(connector: "prod", at: 2, outcome: .failure(message: "bad key"))
        let failed = try await store.state(of: "prod")
        #expect(failed.status == .error && failed.lastSuccessAt == 1 && failed.lastPollAt == 2)
        try await store.recordPoll(connector: "prod", at: 3, outcome: .success(added: 0))
        #expect(try await store.state(of: "prod").lastError == nil)
        var off = prod
        off.enabled = false
        try await store.updateConnector(off)
        #expect(try await store.state(of: "prod").status == .disabled)
    }

    @Test("secrets are encrypted at rest and come back decrypted")
    func secretsEncrypted() async throws {
        let path = try temporaryDatabase()
        let store = try SQLiteStore(path: path)
        try await store.addConnector(prod)
        #expect(try await store.connector(named: "prod")?.secretKey.reveal() == "the-secret-value")
        for file in [path, path + "-wal"] {
            if let bytes = FileManager.default.contents(atPath: file) {
                #expect(bytes.range(of: Data("the-secret-value".utf8)) == nil)
            }
        }
        let attributes = try FileManager.default.attributesOfItem(atPath: path + ".key")
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
    }

    @Test("the database, its WAL and shared-memory files are readable by their owner only; older files are tightened")
    func databaseFilesPrivate() async throws {
        func mode(_ file: String) throws -> Int? {
            (try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? NSNumber)?.intValue
        }
        let path = try temporaryDatabase()
        let store = try SQLiteStore(path: path)
        try await store.addConnector(prod)
        for file in [path, path + "-wal", path + "-shm"] {
            #expect(try mode(file) == 0o600, "\(file)")
        }
        let old = try temporaryDatabase()
        #expect(FileManager.default.createFile(atPath: old, contents: nil, attributes: [.posixPermissions: 0o644]))
        _ = try SQLiteStore(path: old)
        #expect(try mode(old) == 0o600)
    }

    @Test("a secret sealed with another key is reported, not returned garbled")
    func wrongKey() async throws {
        let path = try temporaryDatabase()
        try await SQLiteStore(path: path).addConnector(prod)
        let other = try SQLiteStore(path: path, box: SecretBox(key: SymmetricKey(size: .bits256)))
        await #expect(throws: StoreError.secretUnreadable(connector: "prod")) { try await other.connector(named: "prod") }
    }

    @Test("connector names are unique and unknown names are reported")
    func connectorNames() async throws {
        let store = try SQLiteStore(path: try temporaryDatabase())
        try await store.addConnector(prod)
        await #expect(throws: StoreError.connectorExists("prod")) { try await store.addConnector(prod) }
        await #expect(throws: StoreError.unknownConnector("nope")) { try await store.state(of: "nope") }
        await #expect(throws: StoreError.unknownConnector("nope")) { try await store.removeConnector(named: "nope") }
        try await store.removeConnector(named: "prod")
        #expect(try await store.connectors().isEmpty)
    }

    @Test("events list newest first, filter by severity, and survive reopening the database")
    func listing() async throws {
        let path = try temporaryDatabase()
        let store = try SQLiteStore(path: path)
        try await store.addConnector(prod)
        _ = try await store.commit(
            events: [
                try event("P-1", version: 10, severity: "low"), try event("P-2", version: 30),
                try event("P-3", version: 20, severity: "critical"),
            ],
            connector: "prod", cursor: 30)
        let reopened = try SQLiteStore(path: path)
        #expect(try await reopened.events(EventQuery()).map(\.nativeID) == ["P-2", "P-3", "P-1"])
        #expect(try await reopened.events(EventQuery(severity: .high)).map(\.nativeID) == ["P-2", "P-3"])
        #expect(try await reopened.events(EventQuery(limit: 1)).map(\.nativeID) == ["P-2"])
        let summary = try await reopened.eventSummary(connector: nil)
        #expect(summary == EventSummary(total: 3, bySeverity: [.high: 2, .low: 1], byModule: [.cspm: 3]))
        #expect(try await reopened.state(of: "prod").cursor == 30)
    }
}
