import GRDB
import RelayModel

extension SQLiteStore {
    public func holdSendSlots(integrationID: String, owner: String, wanted: Int, cap: Int, now: Int64, until: Int64) async throws
        -> Int
    {
        try await pool.write { db in
            try db.execute(
                sql: "DELETE FROM send_slot WHERE integration_id = ? AND (owner = ? OR until <= ?)", arguments: [integrationID, owner, now])
            let used =
                try Int.fetchOne(
                    db, sql: "SELECT COALESCE(SUM(slots), 0) FROM send_slot WHERE integration_id = ?", arguments: [integrationID])
                ?? 0
            let granted = max(0, min(wanted, cap - used))
            if granted > 0 {
                try db.execute(
                    sql: "INSERT INTO send_slot (integration_id, owner, slots, until) VALUES (?, ?, ?, ?)",
                    arguments: [integrationID, owner, granted, until])
            }
            return granted
        }
    }

    public func takeRequestBudget(_ budget: RateBudget, now: Int64) async throws -> Int64 {
        let next = try await pool.write { db in
            try Int64.fetchOne(
                db,
                sql: """
                    INSERT INTO request_budget (key, next_at) VALUES (?, ?)
                    ON CONFLICT (key) DO UPDATE SET next_at = MAX(next_at, ?) + ?
                    RETURNING next_at
                    """, arguments: [budget.key, now + budget.spacing, now, budget.spacing])
        }
        return budget.wait(nextAt: next ?? now, now: now)
    }
}
