import Crypto
import Foundation
import RelayModel
import RelayStore
import Testing

@Suite("Secret key rotation")
struct KeyRotationTests {
    let integration = Integration(
        id: "int-1", name: "hec", type: .splunk,
        config: ["url": .string("https://s.example.com"), "authToken": .string("HEC-TOKEN"), "sourceType": .string("_json")],
        createdBy: "admin", createdTs: 1)

    @Test("a master key variable that is empty, or not a key, is refused saying which, and what a key is")
    func masterKeyRefusals() throws {
        let file = try temporaryDatabase() + ".key"
        for (value, said) in [("", "is set but empty"), ("  ", "is set but empty"), ("c2hvcnQ=", "is not a key")] {
            #expect(
                throws: StoreError.badMasterKey(
                    "PRISMA_RELAY_MASTER_KEY \(said): it must be the base64 of 32 random bytes (openssl rand -base64 32)")
            ) {
                try SecretBox.load(keyFile: file, environment: ["PRISMA_RELAY_MASTER_KEY": value])
            }
        }
        #expect(!FileManager.default.fileExists(atPath: file), "a refused variable never falls back to a key file")
    }

    @Test("rotation re-seals every secret under a new key file; the old key no longer opens them")
    func rotates() async throws {
        let path = try temporaryDatabase()
        let store = try SQLiteStore(path: path)
        var proxied = prod
        proxied.name = "proxied"
        proxied.proxy = "http://proxy.corp:3128"
        proxied.proxyUsername = "relay"
        proxied.proxyPassword = Secret("proxy-password")
        try await store.addConnector(prod)
        try await store.addConnector(proxied)
        try await store.addIntegration(integration)
        let oldKey = try #require(FileManager.default.contents(atPath: path + ".key"))
        #expect(try await SQLiteStore.rotateKey(path: path, environment: [:]) == 3)
        let newKey = try #require(FileManager.default.contents(atPath: path + ".key"))
        #expect(newKey != oldKey)
        #expect(!FileManager.default.fileExists(atPath: path + ".key.next"))
        let reopened = try SQLiteStore(path: path)
        #expect(try await reopened.connector(named: "prod")?.secretKey.reveal() == "the-secret-value")
        #expect(try await reopened.connector(named: "proxied")?.proxyPassword == Secret("proxy-password"))
        #expect(try await reopened.integration(id: "int-1")?.config["authToken"] == .string("HEC-TOKEN"))
        let old = SecretBox(
            key: SymmetricKey(
                data: Data(base64Encoded: String(decoding: oldKey, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))!))
        await #expect(throws: StoreError.secretUnreadable(connector: "prod")) {
            try await SQLiteStore(path: path, box: old).connector(named: "prod")
        }
    }

    @Test("a rotation cut short after re-sealing is finished by the next open")
    func interrupted() async throws {
        let path = try temporaryDatabase()
        let store = try SQLiteStore(path: path)
        try await store.addConnector(prod)
        let next = try SecretBox.load(keyFile: path + ".key.next", environment: [:])
        _ = try await store.reseal(with: next)
        let reopened = try SQLiteStore(path: path)
        #expect(try await reopened.connector(named: "prod")?.secretKey.reveal() == "the-secret-value")
        #expect(!FileManager.default.fileExists(atPath: path + ".key.next"))
    }

    @Test("with the key in the environment, the new key must come from PRISMA_RELAY_NEW_MASTER_KEY")
    func environmentKey() async throws {
        let path = try temporaryDatabase()
        let first = Data((0..<32).map { UInt8($0) }).base64EncodedString()
        let second = Data((0..<32).map { UInt8(255 - $0) }).base64EncodedString()
        let store = try SQLiteStore(path: path, box: try SecretBox.load(keyFile: "", environment: ["PRISMA_RELAY_MASTER_KEY": first]))
        try await store.addConnector(prod)
        await #expect(throws: StoreError.self) {
            try await SQLiteStore.rotateKey(path: path, environment: ["PRISMA_RELAY_MASTER_KEY": first])
        }
        #expect(
            try await SQLiteStore.rotateKey(
                path: path, environment: ["PRISMA_RELAY_MASTER_KEY": first, "PRISMA_RELAY_NEW_MASTER_KEY": second]) == 1)
        let rotated = try SQLiteStore(path: path, box: try SecretBox.load(keyFile: "", environment: ["PRISMA_RELAY_MASTER_KEY": second]))
        #expect(try await rotated.connector(named: "prod")?.secretKey.reveal() == "the-secret-value")
    }
}
