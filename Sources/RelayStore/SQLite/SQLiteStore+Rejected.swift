import Foundation
import GRDB
import RelayModel

/// Findings Prisma returned that could not be normalized: kept once each, newest first.
extension SQLiteStore {
    public func recordRejected(_ findings: [RejectedFinding]) async throws {
        guard !findings.isEmpty else { return }
        try await pool.write { db in
            for finding in findings {
                let body = finding.raw.jsonString()
                try db.execute(
                    sql: "INSERT OR IGNORE INTO rejected_finding (id, connector, reason, body, rejected_at) VALUES (?, ?, ?, ?, ?)",
                    arguments: [EventID.digest([finding.connector, body]), finding.connector, finding.reason, body, finding.rejectedAt])
            }
        }
    }

    public func rejectedFindings(connector: String?) async throws -> [RejectedFinding] {
        try await pool.read { db in
            let filter = connector == nil ? "" : "WHERE connector = ?"
            return try Row.fetchAll(
                db, sql: "SELECT connector, reason, body, rejected_at FROM rejected_finding \(filter) ORDER BY rejected_at DESC, id",
                arguments: connector.map { [$0] } ?? []
            ).map {
                RejectedFinding(
                    connector: $0["connector"], reason: $0["reason"], raw: (try? JSONValue.parse($0["body"] as String)) ?? .null,
                    rejectedAt: $0["rejected_at"])
            }
        }
    }
}
