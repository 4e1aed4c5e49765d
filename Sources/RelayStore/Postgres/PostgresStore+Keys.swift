import Crypto
import Foundation
import PostgresNIO
import RelayModel

/// The master key of a shared database: the database keeps a known text sealed under it, so a replica started with
/// another key refuses to start instead of failing on each secret; rotation re-seals everything in one transaction.
extension PostgresStore {
    static let keyCheckText = "prisma-relay master key check"
    static let keyCheckContext = "relay_meta:key_check"

    public func derivedKey(purpose: String) -> SymmetricKey {
        box.derivedKey(purpose: purpose)
    }

    /// Records the key on first use; afterwards refuses a key that does not open the record.
    func checkMasterKey() async throws {
        let sealed = try box.seal(Self.keyCheckText, context: Self.keyCheckContext)
        let rows = try await transaction { [logger] connection in
            try await connection.query(
                "INSERT INTO relay_meta (name, value) VALUES ('key_check', \(sealed)) ON CONFLICT (name) DO NOTHING", logger: logger)
            return try await connection.rows("SELECT value FROM relay_meta WHERE name = 'key_check'", logger: logger)
        }
        guard let stored = try rows.first?.get("value", as: Data.self),
            box.open(stored, context: Self.keyCheckContext) == Self.keyCheckText
        else {
            throw StoreError.badMasterKey(
                "PRISMA_RELAY_MASTER_KEY is not the key the secrets in \(location) were sealed with: give this replica the "
                    + "key the others use (after prisma-relay secrets rotate, the new one)")
        }
    }

    /// Re-seals every connector secret and integration config, and the key record, under
    /// `PRISMA_RELAY_NEW_MASTER_KEY`, in one transaction; returns how many secrets. Replicas still on the old key
    /// refuse to start until they are given the new one.
    public func rotateMasterKey() async throws -> Int {
        let next = try SecretBox.fromEnvironment(for: "rotating the key of a PostgreSQL database", variable: "PRISMA_RELAY_NEW_MASTER_KEY")
        return try await reseal(with: next)
    }

    /// Re-seals every secret under `newBox`, in one transaction; returns how many.
    public func reseal(with newBox: SecretBox) async throws -> Int {
        try await transaction { [box, logger] connection in
            var count = 0
            for (table, ownerColumn, sealedColumn) in [("connector", "name", "secret"), ("integration", "id", "sealed_config")] {
                let rows = try await connection.rows(
                    PostgresQuery(unsafeSQL: "SELECT \(ownerColumn) AS owner, \(sealedColumn) AS sealed FROM \(table) FOR UPDATE"),
                    logger: logger)
                for row in rows {
                    let owner = try row.get("owner", as: String.self)
                    guard let plain = box.open(try row.get("sealed", as: Data.self), context: owner) else {
                        throw StoreError.secretUnreadable(connector: owner)
                    }
                    var binds = PostgresBindings()
                    try binds.append(newBox.seal(plain, context: owner))
                    binds.append(owner)
                    try await connection.query(
                        PostgresQuery(unsafeSQL: "UPDATE \(table) SET \(sealedColumn) = $1 WHERE \(ownerColumn) = $2", binds: binds),
                        logger: logger)
                    count += 1
                }
            }
            // Drafts typed into console forms are sealed too; they are dropped rather than carried over.
            try await connection.query("UPDATE console_session SET sealed_drafts = NULL", logger: logger)
            let check = try newBox.seal(Self.keyCheckText, context: Self.keyCheckContext)
            try await connection.query("UPDATE relay_meta SET value = \(check) WHERE name = 'key_check'", logger: logger)
            return count
        }
    }
}
