import PostgresNIO
import RelayModel

extension PostgresStore {
    public func holdSendSlots(integrationID: String, owner: String, wanted: Int, cap: Int, now: Int64, until: Int64) async throws
        -> Int
    {
        try await transaction { [logger] connection in
            // Holders of one integration's slots take turns (a lock for this transaction only), so two replicas
            // asking at once cannot both count the same free slot.
            try await connection.query("SELECT pg_advisory_xact_lock(hashtextextended(\("send_slot/" + integrationID), 0))", logger: logger)
            try await connection.query(
                "DELETE FROM send_slot WHERE integration_id = \(integrationID) AND (owner = \(owner) OR until <= \(now))", logger: logger)
            let used =
                try await connection.rows(
                    "SELECT COALESCE(SUM(slots), 0) AS used FROM send_slot WHERE integration_id = \(integrationID)", logger: logger
                ).first?.get("used", as: Int64.self) ?? 0
            let granted = max(0, min(wanted, cap - Int(used)))
            if granted > 0 {
                try await connection.query(
                    "INSERT INTO send_slot (integration_id, owner, slots, until) VALUES (\(integrationID), \(owner), \(granted), \(until))",
                    logger: logger)
            }
            return granted
        }
    }

    public func takeRequestBudget(_ budget: RateBudget, now: Int64) async throws -> Int64 {
        let spacing = budget.spacing
        // One statement decides: the request's turn is the later of now and the bucket's next turn.
        let next =
            try await rows(
                """
                INSERT INTO request_budget AS b (key, next_at) VALUES (\(budget.key), \(now + spacing))
                ON CONFLICT (key) DO UPDATE SET next_at = GREATEST(b.next_at, \(now)) + \(spacing)
                RETURNING next_at
                """
            ).first?.get("next_at", as: Int64.self) ?? now
        return budget.wait(nextAt: next, now: now)
    }
}
