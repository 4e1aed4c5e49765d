import Logging
import PostgresNIO
import RelayModel

/// What an integration's page charts and lists: its deliveries by the hour with their latency, and its recent failed
/// attempts, noted as each batch's outcomes are recorded.
extension PostgresStore {
    /// Adds a recording's outcomes to the integration's hour and keeps its failures, inside the recording's
    /// transaction. Processes recording at once add up: the hour's row is merged in one upsert, the latency
    /// histogram bucket by bucket.
    static func noteActivity(
        _ connection: PostgresConnection, logger: Logger, integrationID: String, at time: Int64, delivered: Int,
        latency: LatencyHistogram, failures: [DeliveryFailure]
    ) async throws {
        let retried = Int64(failures.filter { $0.kind == .retried }.reduce(0) { $0 + $1.rows })
        let dead = Int64(failures.filter { $0.kind == .dead }.reduce(0) { $0 + $1.rows })
        guard Int64(delivered) + retried + dead > 0 else { return }
        let hour = DeliveryHour.start(of: time)
        let added = try await connection.rows(
            """
            INSERT INTO delivery_hour (integration_id, hour, delivered, retried, dead, latency)
            VALUES (\(integrationID), \(hour), \(Int64(delivered)), \(retried), \(dead), \(latency.stored))
            ON CONFLICT (integration_id, hour) DO UPDATE SET delivered = delivery_hour.delivered + EXCLUDED.delivered,
                retried = delivery_hour.retried + EXCLUDED.retried, dead = delivery_hour.dead + EXCLUDED.dead,
                latency = array_to_string(ARRAY(
                    SELECT COALESCE(a::bigint, 0) + COALESCE(b::bigint, 0)
                    FROM unnest(string_to_array(delivery_hour.latency, ','), string_to_array(EXCLUDED.latency, ',')) WITH ORDINALITY
                        AS t(a, b, i)
                    ORDER BY i), ',')
            RETURNING (xmax = 0) AS inserted
            """, logger: logger)
        if try added.first?.get("inserted", as: Bool.self) == true {
            try await connection.query(
                "DELETE FROM delivery_hour WHERE integration_id = \(integrationID) AND hour < \(hour - DeliveryHour.keptMillis)",
                logger: logger)
        }
        guard !failures.isEmpty else { return }
        for failure in failures {
            try await connection.query(
                """
                INSERT INTO delivery_failure (integration_id, at, kind, rows, message)
                VALUES (\(integrationID), \(failure.at), \(failure.kind.rawValue), \(Int64(failure.rows)),
                    \(URLRedaction.redactURLs(in: failure.message)))
                """, logger: logger)
        }
        try await connection.query(
            """
            DELETE FROM delivery_failure WHERE integration_id = \(integrationID)
                AND seq < (SELECT MIN(seq) FROM (SELECT seq FROM delivery_failure WHERE integration_id = \(integrationID)
                    ORDER BY seq DESC LIMIT \(Int64(DeliveryFailure.kept))) AS last)
            """, logger: logger)
    }

    public func deliveryHours(integrationID: String, since: Int64) async throws -> [DeliveryHour] {
        try await rows("SELECT * FROM delivery_hour WHERE integration_id = \(integrationID) AND hour >= \(since) ORDER BY hour").map {
            row in
            DeliveryHour(
                hour: try row.get("hour"), delivered: Int(try row.get("delivered", as: Int64.self)),
                retried: Int(try row.get("retried", as: Int64.self)), dead: Int(try row.get("dead", as: Int64.self)),
                latency: LatencyHistogram(stored: try row.get("latency")))
        }
    }

    public func deliveryFailures(integrationID: String, limit: Int) async throws -> [DeliveryFailure] {
        try await rows(
            "SELECT * FROM delivery_failure WHERE integration_id = \(integrationID) ORDER BY seq DESC LIMIT \(Int64(limit))"
        ).map { row in
            DeliveryFailure(
                at: try row.get("at"), kind: DeliveryFailure.Kind(rawValue: try row.get("kind")) ?? .retried,
                rows: Int(try row.get("rows", as: Int64.self)), message: try row.get("message"))
        }
    }
}
