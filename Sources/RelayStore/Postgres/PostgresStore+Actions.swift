import PostgresNIO
import RelayModel

/// The actions taken on findings in Prisma Cloud through the relay, each as it was answered.
extension PostgresStore {
    public func recordAction(_ record: ActionRecord) async throws -> ActionRecord {
        let detail = URLRedaction.redactURLs(in: record.detail)
        let rows = try await rows(
            """
            INSERT INTO alert_action (connector, native_id, event_id, action, note, duration, actor, origin, requested_at,
                outcome, detail, status_code)
            VALUES (\(record.connector), \(record.nativeID), \(record.eventID), \(record.action), \(record.note),
                \(record.duration), \(record.actor), \(record.origin), \(record.requestedAt), \(record.outcome.rawValue), \(detail),
                \(record.statusCode.map(Int64.init)))
            RETURNING seq
            """)
        var stored = record
        stored.id = try rows.first?.get("seq", as: Int64.self)
        stored.detail = detail
        return stored
    }

    public func actions(connector: String, nativeID: String) async throws -> [ActionRecord] {
        try await rows(
            "SELECT * FROM alert_action WHERE connector = \(connector) AND native_id = \(nativeID) ORDER BY seq DESC"
        ).map { row in
            ActionRecord(
                id: try row.get("seq"), connector: try row.get("connector"), nativeID: try row.get("native_id"),
                eventID: try row.get("event_id"), action: try row.get("action"), note: try row.get("note"),
                duration: try row.get("duration"), actor: try row.get("actor"), origin: try row.get("origin"),
                requestedAt: try row.get("requested_at"),
                outcome: ActionRecord.Outcome(rawValue: try row.get("outcome")) ?? .failed, detail: try row.get("detail"),
                statusCode: try row.get("status_code", as: Int64?.self).map(Int.init))
        }
    }
}
