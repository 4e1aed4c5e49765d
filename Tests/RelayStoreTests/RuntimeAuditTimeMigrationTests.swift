import Foundation
import GRDB
import RelayModel
import Testing

@testable import RelayStore

/// Runtime audits stored while their time was misread (as 0: 1970) get their time back on upgrade.
@Suite("Runtime audit times across the upgrade")
struct RuntimeAuditTimeMigrationTests {
    @Test("a runtime audit stored as of 1970 is listed by its own time after the upgrade; an alert's time is left as it was")
    func timesReadAgain() async throws {
        let path = try temporaryDatabase()
        do {
            let pool = try DatabasePool(path: path)
            try SQLiteMigrations.migrator.migrate(pool, upTo: "v18-outbox-enrichment")
            try await pool.write { db in
                for (id, kind, version, updated) in [
                    ("evt_a", "audit", "1667929386680-4", 0), ("evt_b", "alert", "1700000000000", 1_700_000_000_000),
                    ("evt_c", "audit", "1693819702240", 1_693_819_702_240),
                ] {
                    try db.execute(
                        sql: """
                            INSERT INTO event (id, connector, kind, native_id, version, status, severity, module, updated_ms, observed_at, body)
                            VALUES (?, 'prod', ?, ?, ?, 'open', 'high', 'CWPP', ?, '2024-01-01T00:00:00.000Z', '{}')
                            """, arguments: [id, kind, id, version, updated])
                }
            }
        }
        _ = try SQLiteStore(path: path)
        let pool = try DatabasePool(path: path)
        let times = try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT id, updated_ms FROM event ORDER BY id").map {
                ($0["id"] as String, $0["updated_ms"] as Int64)
            }
        }
        #expect(times.map(\.0) == ["evt_a", "evt_b", "evt_c"])
        #expect(times.map(\.1) == [1_667_929_386_680, 1_700_000_000_000, 1_693_819_702_240])
    }
}
