import Crypto
import Foundation
import GRDB
import RelayModel
import RelayStore
import TestSupport
import Testing

/// A fresh database file in a temporary directory, removed when the tests end.
func temporaryDatabase() throws -> String {
    let directory = try ScratchDirectory.untilExit(prefix: "relay-store")
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
    @Test("the key file beside the database is created readable by its owner only")
    func keyFilePrivate() async throws {
        let path = try temporaryDatabase()
        let store = try SQLiteStore(path: path)
        try await store.addConnector(prod)
        #expect(try await store.connector(named: "prod")?.secretKey.reveal() == "the-secret-value")
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

    @Test("a database whose folder does not exist is refused as a location to fix, not as a row that cannot be read")
    func missingFolder() throws {
        let path = try temporaryDatabase().replacingOccurrences(of: "/relay.sqlite", with: "/no-such-folder/relay.sqlite")
        #expect(
            throws: StoreError.badLocation("the database file \(path) could not be created: check that its folder exists and is writable")
        ) { _ = try SQLiteStore(path: path) }
    }

    @Test("a new database is created with 16 KiB pages; a database created before keeps its pages")
    func pageSize() throws {
        func pageSize(_ path: String) throws -> Int? {
            try DatabaseQueue(path: path).read { try Int.fetchOne($0, sql: "PRAGMA page_size") }
        }
        let fresh = try temporaryDatabase()
        _ = try SQLiteStore(path: fresh)
        #expect(try pageSize(fresh) == 16384)
        let older = try temporaryDatabase()
        try DatabaseQueue(path: older).writeWithoutTransaction { try $0.execute(sql: "PRAGMA page_size = 4096; CREATE TABLE kept (x)") }
        _ = try SQLiteStore(path: older)
        #expect(try pageSize(older) == 4096)
    }

    @Test("a secret sealed with another key is reported, not returned garbled")
    func wrongKey() async throws {
        let path = try temporaryDatabase()
        try await SQLiteStore(path: path).addConnector(prod)
        let other = try SQLiteStore(path: path, box: SecretBox(key: SymmetricKey(size: .bits256)))
        await #expect(throws: StoreError.secretUnreadable(connector: "prod")) { try await other.connector(named: "prod") }
    }
}
