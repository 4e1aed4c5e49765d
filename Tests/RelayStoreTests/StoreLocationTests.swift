import Foundation
import RelayModel
import RelayStore
import Testing

@Suite("Store location")
struct StoreLocationTests {
    @Test("a path or a sqlite: or file: URL opens the embedded store; another scheme or nothing is refused in words")
    func locations() async throws {
        let path = try temporaryDatabase()
        #expect(try await StoreLocation.open(path).location == path)
        #expect(try await StoreLocation.open("sqlite://" + path).location == path)
        #expect(try await StoreLocation.open("file:" + path).location == path)
        await #expect(
            throws: StoreError.badLocation(
                "mysql:// databases are not supported: give a file path for the embedded SQLite store, or a postgres:// URL")
        ) {
            try await StoreLocation.open("mysql://relay@db.example.com:3306/relay")
        }
        await #expect(
            throws: StoreError.badLocation(
                "the database location is empty: give a file path such as prisma-relay.sqlite, or postgres://user@host/db")
        ) {
            try await StoreLocation.open("  ")
        }
    }
}
