import Foundation
import GRDB
import RelayModel

/// The actions taken on findings in Prisma Cloud through the relay, each as it was answered.
extension SQLiteStore {
    public func recordAction(_ record: ActionRecord) async throws -> ActionRecord {
        let detail = URLRedaction.redactURLs(in: record.detail)
        return try await pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO alert_action (connector, native_id, event_id, action, note, duration, actor, origin, requested_at,
                        outcome, detail, status_code)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    record.connector, record.nativeID, record.eventID, record.action, record.note, record.duration, record.actor,
                    record.origin, record.requestedAt, record.outcome.rawValue, detail, record.statusCode,
                ])
            var stored = record
            stored.id = db.lastInsertedRowID
            stored.detail = detail
            return stored
        }
    }

    public func actions(connector: String, nativeID: String) async throws -> [ActionRecord] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM alert_action WHERE connector = ? AND native_id = ? ORDER BY seq DESC",
                arguments: [connector, nativeID]
            ).map { row in
                ActionRecord(
                    id: row["seq"], connector: row["connector"], nativeID: row["native_id"], eventID: row["event_id"],
                    action: row["action"], note: row["note"], duration: row["duration"], actor: row["actor"], origin: row["origin"],
                    requestedAt: row["requested_at"], outcome: ActionRecord.Outcome(rawValue: row["outcome"]) ?? .failed,
                    detail: row["detail"], statusCode: row["status_code"])
            }
        }
    }
}
