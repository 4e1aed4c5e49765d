import GRDB
import RelayModel

extension SQLiteStore {
    public func acquireConnectorLease(_ connector: String, owner: String, now: Int64, until: Int64) async throws -> ConnectorLease? {
        try await pool.write { db in
            let row = try Row.fetchOne(
                db, sql: "SELECT owner, until, token FROM connector_lease WHERE connector = ?", arguments: [connector])
            guard let row else {
                try db.execute(
                    sql: "INSERT INTO connector_lease (connector, owner, until, token) VALUES (?, ?, ?, 1)",
                    arguments: [connector, owner, until])
                return ConnectorLease(connector: connector, owner: owner, until: until, token: 1)
            }
            let holder: String = row["owner"]
            let expires: Int64 = row["until"]
            var token: Int64 = row["token"]
            if holder == owner {
                // A renewal keeps the token, also after a lapse no other worker used: the holder's commits stay valid.
            } else if expires > now {
                return nil
            } else {
                // Another worker's lease ran out: a new tenure, and whatever that worker still commits is fenced off.
                token += 1
            }
            try db.execute(
                sql: "UPDATE connector_lease SET owner = ?, until = ?, token = ? WHERE connector = ?",
                arguments: [owner, until, token, connector])
            return ConnectorLease(connector: connector, owner: owner, until: until, token: token)
        }
    }

    public func releaseConnectorLease(_ lease: ConnectorLease) async throws {
        try await pool.write { db in
            // Expired at once, token kept: the next holder's token is larger than this one.
            try db.execute(
                sql: "UPDATE connector_lease SET until = 0 WHERE connector = ? AND owner = ? AND token = ?",
                arguments: [lease.connector, lease.owner, lease.token])
        }
    }
}
