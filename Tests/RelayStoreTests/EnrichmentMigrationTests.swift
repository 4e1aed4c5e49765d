import Foundation
import GRDB
import RelayModel
import Testing

@testable import RelayStore

/// Moving the enrichment link from a table keyed by event onto the outbox row keeps what every event showed.
@Suite("Enrichment across the upgrade")
struct EnrichmentMigrationTests {
    @Test("an event delivered with enrichment before the upgrade shows the same enrichment after it; one never enriched shows none")
    func enrichmentKept() async throws {
        let path = try temporaryDatabase()
        let enriched = try event("P-1", version: 1)
        let plain = try event("P-2", version: 1)
        let enrichment: JSONObject = ["okta": .object(["users": .array([.object(["login": .string("alice@example.com")])])])]
        do {
            let pool = try DatabasePool(path: path)
            try SQLiteMigrations.migrator.migrate(pool, upTo: "v17-outbox-queue")
            try await pool.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO integration (id, name, type, enabled, sealed_config, created_by, created_ts, last_modified_by, last_modified_ts)
                        VALUES ('hook', 'hook', 'webhook', 1, x'00', 't', 0, 't', 0)
                        """)
                for (seq, item) in [(1, enriched), (2, plain)] {
                    try db.execute(
                        sql: """
                            INSERT INTO event (id, connector, kind, native_id, version, status, severity, module, updated_ms, observed_at, body)
                            VALUES (?, 'prod', 'alert', ?, ?, ?, 'high', 'CSPM', ?, ?, ?)
                            """,
                        arguments: [
                            item.id, item.nativeID, item.version, item.status, item.updatedMillis, item.observedAt,
                            item.jsonValue.jsonString(),
                        ])
                    try db.execute(
                        sql: """
                            INSERT INTO outbox (seq, event_id, integration_id, alert_key, state, next_attempt_at, created_at, finished_at)
                            VALUES (?, ?, 'hook', ?, 'delivered', 0, 0, 5)
                            """, arguments: [seq, item.id, "prod/" + item.nativeID])
                }
                try db.execute(
                    sql: "INSERT INTO enrichment (digest, json) VALUES ('d1', ?)", arguments: [JSONValue.object(enrichment).jsonString()])
                try db.execute(sql: "INSERT INTO event_enrichment (event_id, digest) VALUES (?, 'd1')", arguments: [enriched.id])
            }
        }
        let store = try SQLiteStore(path: path)
        #expect(try await store.event(id: enriched.id)?.enrichment == enrichment)
        #expect(try await store.event(id: plain.id)?.enrichment == [:])
        #expect(try await store.events(EventQuery()).map(\.enrichment).filter { !$0.members.isEmpty } == [enrichment])
    }
}
