import Foundation
import GRDB
import RelayModel
import Testing

@testable import RelayStore

/// Upgrading to alert keys that name their connector keeps the key of every PagerDuty incident already opened.
@Suite("Alert keys across the upgrade")
struct AlertKeyMigrationTests {
    @Test("a PagerDuty alert delivered before the upgrade keeps its bare id; alerts first sent after it use connector/id")
    func legacyKeysKept() async throws {
        let path = try temporaryDatabase()
        do {
            let pool = try DatabasePool(path: path)
            try SQLiteMigrations.migrator.migrate(pool, upTo: "v4-rejected-findings")
            let opened = try event("P-7", version: 1)
            let resolved = try { () throws -> NormalizedEvent in
                var later = try event("P-7", version: 2)
                later.status = "resolved"
                return later
            }()
            let fresh = try event("P-8", version: 1)
            try await pool.write { db in
                for (id, type) in [("pd", "pagerduty"), ("hook", "webhook")] {
                    try db.execute(
                        sql: """
                            INSERT INTO integration (id, name, type, enabled, sealed_config, created_by, created_ts, last_modified_by, last_modified_ts)
                            VALUES (?, ?, ?, 1, x'00', 't', 0, 't', 0)
                            """, arguments: [id, id, type])
                }
                for (seq, item, state) in [(1, opened, "delivered"), (2, resolved, "pending"), (3, fresh, "pending")] {
                    try db.execute(
                        sql: """
                            INSERT OR IGNORE INTO event (id, connector, kind, native_id, version, status, severity, module, updated_ms, observed_at, body)
                            VALUES (?, 'prod', 'alert', ?, ?, ?, 'high', 'CSPM', ?, ?, ?)
                            """,
                        arguments: [
                            item.id, item.nativeID, item.version, item.status, item.updatedMillis, item.observedAt,
                            item.jsonValue.jsonString(),
                        ])
                    for integration in ["pd", "hook"] {
                        try db.execute(
                            sql:
                                "INSERT INTO outbox (seq, event_id, integration_id, alert_key, state, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, 0, 0)",
                            arguments: [seq * 10 + (integration == "pd" ? 0 : 1), item.id, integration, "prod|" + item.nativeID, state])
                    }
                }
            }
        }
        let store = try SQLiteStore(path: path)
        let due = try await store.claimDeliveries(integrationID: "pd", owner: "test", now: 1, until: 60_001, limit: 10)
        #expect(due.map(\.event.nativeID) == ["P-7", "P-8"])
        #expect(due.map(\.legacyDestinationKey) == ["P-7", nil])
        #expect(
            try await store.claimDeliveries(integrationID: "hook", owner: "test", now: 1, until: 60_001, limit: 10).map(
                \.legacyDestinationKey) == [nil, nil])
        // Every queued row carries the one key shape, so per-alert order holds across the upgrade.
        let keys = try await store.pool.read { try String.fetchAll($0, sql: "SELECT DISTINCT alert_key FROM outbox ORDER BY 1") }
        #expect(keys == ["prod/P-7", "prod/P-8"])
    }
}
