import Foundation
import GRDB
import RelayModel

/// What an integration's page charts and lists: its deliveries by the hour with their latency, and its recent failed
/// attempts, noted as each batch's outcomes are recorded.
extension SQLiteStore {
    /// Adds a recording's outcomes to the integration's hour and keeps its failures (inside the recording's
    /// transaction, so the counts never disagree with the outbox).
    static func noteActivity(
        _ db: Database, integrationID: String, at time: Int64, delivered: Int, latency: LatencyHistogram, failures: [DeliveryFailure]
    ) throws {
        let retried = failures.filter { $0.kind == .retried }.reduce(0) { $0 + $1.rows }
        let dead = failures.filter { $0.kind == .dead }.reduce(0) { $0 + $1.rows }
        guard delivered + retried + dead > 0 else { return }
        let hour = DeliveryHour.start(of: time)
        // Prepared once per connection: this runs with every batch recorded.
        let existing = try String.fetchOne(
            db.cachedStatement(sql: "SELECT latency FROM delivery_hour WHERE integration_id = ? AND hour = ?"),
            arguments: [integrationID, hour])
        var merged = existing.map(LatencyHistogram.init(stored:)) ?? LatencyHistogram()
        merged.merge(latency)
        try db.cachedStatement(
            sql: """
                INSERT INTO delivery_hour (integration_id, hour, delivered, retried, dead, latency) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (integration_id, hour) DO UPDATE SET delivered = delivered + excluded.delivered,
                    retried = retried + excluded.retried, dead = dead + excluded.dead, latency = excluded.latency
                """
        ).execute(arguments: [integrationID, hour, delivered, retried, dead, merged.stored])
        if existing == nil {
            try db.execute(
                sql: "DELETE FROM delivery_hour WHERE integration_id = ? AND hour < ?",
                arguments: [integrationID, hour - DeliveryHour.keptMillis])
        }
        guard !failures.isEmpty else { return }
        for failure in failures {
            try db.execute(
                sql: "INSERT INTO delivery_failure (integration_id, at, kind, rows, message) VALUES (?, ?, ?, ?, ?)",
                arguments: [integrationID, failure.at, failure.kind.rawValue, failure.rows, URLRedaction.redactURLs(in: failure.message)])
        }
        try db.execute(
            sql: """
                DELETE FROM delivery_failure WHERE integration_id = ?
                    AND seq < (SELECT MIN(seq) FROM (SELECT seq FROM delivery_failure WHERE integration_id = ? ORDER BY seq DESC LIMIT ?))
                """,
            arguments: [integrationID, integrationID, DeliveryFailure.kept])
    }

    public func deliveryHours(integrationID: String, since: Int64) async throws -> [DeliveryHour] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM delivery_hour WHERE integration_id = ? AND hour >= ? ORDER BY hour",
                arguments: [integrationID, since]
            ).map { row in
                DeliveryHour(
                    hour: row["hour"], delivered: row["delivered"], retried: row["retried"], dead: row["dead"],
                    latency: LatencyHistogram(stored: row["latency"]))
            }
        }
    }

    public func deliveryFailures(integrationID: String, limit: Int) async throws -> [DeliveryFailure] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM delivery_failure WHERE integration_id = ? ORDER BY seq DESC LIMIT ?",
                arguments: [integrationID, limit]
            ).map { row in
                DeliveryFailure(
                    at: row["at"], kind: DeliveryFailure.Kind(rawValue: row["kind"]) ?? .retried, rows: row["rows"], message: row["message"]
                )
            }
        }
    }
}
