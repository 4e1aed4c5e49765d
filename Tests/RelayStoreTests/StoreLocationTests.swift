import Foundation
import RelayModel
import RelayStore
import Testing

@Suite("Store location")
struct StoreLocationTests {
    @Test("a path or a sqlite: or file: URL opens the embedded store; another scheme or nothing is refused in words")
    func locations() async throws {
        let path = try temporaryDatabase()
        #expect(try StoreLocation.open(path).location == path)
        #expect(try StoreLocation.open("sqlite://" + path).location == path)
        #expect(try StoreLocation.open("file:" + path).location == path)
        #expect(
            throws: StoreError.badLocation(
                "postgres:// databases are not supported by this build: give a file path for the embedded SQLite store")
        ) {
            try StoreLocation.open("postgres://relay@db.example.com:5432/relay")
        }
        #expect(throws: StoreError.badLocation("the database location is empty: give a file path such as prisma-relay.sqlite")) {
            try StoreLocation.open("  ")
        }
    }
}
