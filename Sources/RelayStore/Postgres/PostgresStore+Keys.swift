import Crypto
import Foundation
import NIOConcurrencyHelpers
import PostgresNIO
import RelayModel

/// The master key of a shared database. The database keeps a known text sealed under the key in use: a replica that
/// holds no key opening it refuses to start instead of failing on each secret. A replica may hold the previous key
/// too (`PRISMA_RELAY_PREVIOUS_MASTER_KEY`); it opens with either and seals with the one the record is sealed with,
/// re-read with every heartbeat, so rotation in one transaction is safe while replicas run.
extension PostgresStore {
    static let keyCheckText = "prisma-relay master key check"
    static let keyCheckContext = "relay_meta:key_check"
    static let signingContext = "relay_meta:signing_key"

    public func derivedKey(purpose: String) -> SymmetricKey {
        guard let secret = signingSecret.withLockedValue({ $0 }) else { return box.derivedKey(purpose: purpose) }
        return HKDF<SHA256>.deriveKey(inputKeyMaterial: secret, info: Data(purpose.utf8), outputByteCount: 32)
    }

    /// Records the key and a signing secret on first use; afterwards refuses a replica none of whose keys opens the
    /// record, and seals with the key that does.
    func checkMasterKey() async throws {
        let check = try box.seal(Self.keyCheckText, context: Self.keyCheckContext)
        let signing = try box.seal(
            SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).base64EncodedString() }, context: Self.signingContext)
        let rows = try await transaction { [logger] connection in
            try await connection.query(
                "INSERT INTO relay_meta (name, value) VALUES ('key_check', \(check)) ON CONFLICT (name) DO NOTHING", logger: logger)
            try await connection.query(
                "INSERT INTO relay_meta (name, value) VALUES ('signing_key', \(signing)) ON CONFLICT (name) DO NOTHING", logger: logger)
            return try await connection.rows(
                "SELECT name, value FROM relay_meta WHERE name IN ('key_check', 'signing_key')", logger: logger)
        }
        var stored: [String: Data] = [:]
        for row in rows { stored[try row.get("name", as: String.self)] = try row.get("value", as: Data.self) }
        guard let record = stored["key_check"], let key = box.key(opening: record, context: Self.keyCheckContext) else {
            throw StoreError.badMasterKey(
                "PRISMA_RELAY_MASTER_KEY is not the key the secrets in \(location) were sealed with: give this replica the "
                    + "key the others use (after prisma-relay secrets rotate, the new one; while rotating, the old one as "
                    + "PRISMA_RELAY_PREVIOUS_MASTER_KEY)")
        }
        keyring.withLockedValue { $0 = $0.sealing(with: key) }
        guard let sealed = stored["signing_key"], let text = box.open(sealed, context: Self.signingContext),
            let secret = Data(base64Encoded: text)
        else { throw StoreError.corrupt("relay_meta holds a token signing secret this key does not open") }
        signingSecret.withLockedValue { $0 = SymmetricKey(data: secret) }
    }

    /// Seals with the key the database's record is sealed with now, when this replica holds it: after a rotation,
    /// replicas given both keys switch to the new one without a restart.
    func followKeyRecord() async throws {
        guard let record = try await rows("SELECT value FROM relay_meta WHERE name = 'key_check'").first?.get("value", as: Data.self),
            let key = box.key(opening: record, context: Self.keyCheckContext)
        else { return }
        keyring.withLockedValue { $0 = $0.sealing(with: key) }
    }

    /// Re-seals every connector secret and integration config, the signing secret and the key record under
    /// `PRISMA_RELAY_NEW_MASTER_KEY`, in one transaction; returns how many secrets. Replicas that hold the new key
    /// (as their key or their previous one) carry on; others refuse to start until they are given it.
    public func rotateMasterKey() async throws -> Int {
        let next = try SecretBox.fromEnvironment(for: "rotating the key of a PostgreSQL database", variable: "PRISMA_RELAY_NEW_MASTER_KEY")
        return try await reseal(with: next)
    }

    /// Re-seals every secret under `newBox`'s key, in one transaction, and seals with it from then on; returns how
    /// many. Secrets already under it are sealed again too, so a second run catches any a replica sealed with the old
    /// key in the seconds before it saw the new record.
    public func reseal(with newBox: SecretBox) async throws -> Int {
        let count = try await transaction { [box, logger] connection in
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
            let signing = try await connection.rows("SELECT value FROM relay_meta WHERE name = 'signing_key' FOR UPDATE", logger: logger)
            if let sealed = try signing.first?.get("value", as: Data.self), let secret = box.open(sealed, context: Self.signingContext) {
                let resealed = try newBox.seal(secret, context: Self.signingContext)
                try await connection.query("UPDATE relay_meta SET value = \(resealed) WHERE name = 'signing_key'", logger: logger)
            }
            let check = try newBox.seal(Self.keyCheckText, context: Self.keyCheckContext)
            try await connection.query("UPDATE relay_meta SET value = \(check) WHERE name = 'key_check'", logger: logger)
            return count
        }
        keyring.withLockedValue { $0 = SecretBox(key: newBox.key, alsoOpening: $0.keys.filter { $0 != newBox.key }) }
        return count
    }
}
