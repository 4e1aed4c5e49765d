import Foundation
import GRDB
import RelayModel
import Testing

@testable import RelayStore

/// What the console, the status and the events API count and filter stored events by is read from an index that holds
/// it: a plan that reads every event's row instead (about 3 KB each) reads gigabytes at a million events.
@Suite("SQLite: event counts and filters read indexes")
struct EventIndexTests {
    /// A new store's database, as its migrations leave it.
    static func migratedDatabase() throws -> DatabasePool {
        let path = try temporaryDatabase()
        _ = try SQLiteStore(path: path)
        return try DatabasePool(path: path)
    }

    /// The steps of SQLite's plan for `sql` at its top level (not those of a subquery: an event's enrichment is one).
    static func plan(_ sql: String, _ values: [any DatabaseValueConvertible & Sendable], in pool: DatabasePool) async throws -> [String] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: StatementArguments(values)).filter { $0["parent"] == 0 }
                .map { $0["detail"] as String }
        }
    }

    @Test(
        "counting events by severity and module, by hour and severity, or by any filter but text reads an index alone, for all connectors and for one"
    )
    func countsReadAnIndexAlone() async throws {
        var statements: [(String, [any DatabaseValueConvertible & Sendable])] = [
            (SQLiteStore.summarySQL(byConnector: false), []), (SQLiteStore.summarySQL(byConnector: true), ["prod"]),
            (SQLiteStore.hourlySQL(byConnector: false), [0]), (SQLiteStore.hourlySQL(byConnector: true), ["prod", 0]),
        ]
        for query in [
            EventQuery(), EventQuery(connector: "prod"), EventQuery(severity: .high), EventQuery(kind: .audit),
            EventQuery(module: .cwpp, status: "open"), EventQuery(connector: "prod", severity: .high, kind: .alert),
        ] {
            statements.append(SQLiteStore.countSQL(query))
        }
        let pool = try Self.migratedDatabase()
        for (sql, values) in statements {
            let steps = try await Self.plan(sql, values, in: pool)
            #expect(steps.contains { $0.contains("USING COVERING INDEX") }, "\(sql): \(steps)")
        }
    }

    @Test(
        "a page of events is read newest first through an index that holds every field it is filtered by (but text), so only the rows listed are read, and is never sorted whole"
    )
    func pagesWalkAnIndexHoldingTheirFilters() async throws {
        let pool = try Self.migratedDatabase()
        for (query, filtered) in [
            (EventQuery(limit: 50), []), (EventQuery(kind: .audit, limit: 50), ["kind"]),
            (EventQuery(module: .cwpp, status: "open", after: EventCursor(updatedMillis: 1, seq: 1), limit: 50), ["module", "status"]),
            (EventQuery(connector: "prod", severity: .low, kind: .alert, limit: 50), ["connector", "severity", "kind"]),
            (EventQuery(severity: .high, module: .cspm, status: "open", limit: 50), ["severity", "module", "status"]),
        ] {
            let (sql, values) = SQLiteStore.pageSQL(query)
            let steps = try await Self.plan(sql, values, in: pool)
            // "SCAN event USING INDEX name" or "SEARCH event USING INDEX name (…)": the index walked, and what it holds.
            let index = steps.first.flatMap { $0.components(separatedBy: "event USING INDEX ").dropFirst().first }?
                .components(separatedBy: " ").first
            let held = try await pool.read { db in
                try Row.fetchAll(db, sql: "PRAGMA index_info(\(index ?? "none"))").map { $0["name"] as String }
            }
            #expect(held.starts(with: ["updated_ms", "seq"]) || held.dropFirst().starts(with: ["updated_ms", "seq"]), "\(steps): \(held)")
            #expect(Set(filtered).isSubset(of: held), "\(steps): \(held)")
            #expect(!steps.contains("USE TEMP B-TREE FOR ORDER BY"), "\(steps)")
        }
    }
}
