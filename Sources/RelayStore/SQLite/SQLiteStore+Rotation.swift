import Crypto
import Foundation
import GRDB
import RelayModel

extension SQLiteStore {
    /// Re-seals every connector secret and integration config under `newBox`, in one transaction.
    /// Returns how many rows were re-sealed.
    public func reseal(with newBox: SecretBox) async throws -> Int {
        try await pool.write { [box] db in
            var count = 0
            for table in [("connector", "name", "secret"), ("integration", "id", "sealed_config")] {
                for row in try Row.fetchAll(db, sql: "SELECT \(table.1) AS owner, \(table.2) AS sealed FROM \(table.0)") {
                    let owner: String = row["owner"]
                    guard let plain = box.open(row["sealed"], context: owner) else { throw StoreError.secretUnreadable(connector: owner) }
                    try db.execute(
                        sql: "UPDATE \(table.0) SET \(table.2) = ? WHERE \(table.1) = ?",
                        arguments: [try newBox.seal(plain, context: owner), owner])
                    count += 1
                }
            }
            return count
        }
    }

    public func derivedKey(purpose: String) -> SymmetricKey {
        box.derivedKey(purpose: purpose)
    }

    /// Rotates this database's key (`rotateKey(path:)`); this instance keeps sealing with the old key, so open the
    /// store again afterwards.
    public func rotateMasterKey() async throws -> Int {
        try await Self.rotateKey(path: path)
    }

    /// Rotates the key of the database at `path`: a new key is written beside the current one, every secret is
    /// re-sealed under it, then it replaces the current key file. A crash in between is finished by the next open.
    /// With `PRISMA_RELAY_MASTER_KEY` in use, the new key comes from `PRISMA_RELAY_NEW_MASTER_KEY`.
    public static func rotateKey(path: String, environment: [String: String] = ProcessInfo.processInfo.environment) async throws -> Int {
        let store = try SQLiteStore(path: path, box: try SecretBox.load(keyFile: path + ".key", environment: environment))
        if environment["PRISMA_RELAY_MASTER_KEY"] != nil {
            guard let next = environment["PRISMA_RELAY_NEW_MASTER_KEY"] else {
                throw StoreError.badMasterKey(
                    "PRISMA_RELAY_MASTER_KEY is in use: put the new key in PRISMA_RELAY_NEW_MASTER_KEY to rotate, "
                        + "then make it the master key"
                )
            }
            return try await store.reseal(with: try SecretBox.load(keyFile: "", environment: ["PRISMA_RELAY_MASTER_KEY": next]))
        }
        let nextFile = path + ".key.next"
        try? FileManager.default.removeItem(atPath: nextFile)
        let newBox = try SecretBox.load(keyFile: nextFile, environment: [:])
        let count = try await store.reseal(with: newBox)
        try replaceKeyFile(path + ".key", with: nextFile)
        return count
    }

    /// Moves `next` over `keyFile` in one step (POSIX rename), so there is always one complete key file.
    static func replaceKeyFile(_ keyFile: String, with next: String) throws {
        guard rename(next, keyFile) == 0 else {
            throw StoreError.badMasterKey("could not move \(next) to \(keyFile) (errno \(errno)); the new key is in \(next)")
        }
    }

    /// Finishes a rotation a crash interrupted: when `<path>.key.next` exists, keep whichever key opens the
    /// sealed rows.
    static func finishInterruptedRotation(pool: DatabasePool, path: String, current: SecretBox) throws -> SecretBox {
        let nextFile = path + ".key.next"
        guard FileManager.default.fileExists(atPath: nextFile) else { return current }
        let next = try SecretBox.load(keyFile: nextFile, environment: [:])
        let sample = try pool.read { db in
            try Row.fetchOne(
                db, sql: "SELECT name AS owner, secret AS sealed FROM connector UNION ALL SELECT id, sealed_config FROM integration LIMIT 1"
            )
        }
        if let sample, current.open(sample["sealed"], context: sample["owner"]) == nil,
            next.open(sample["sealed"], context: sample["owner"]) != nil
        {
            try replaceKeyFile(path + ".key", with: nextFile)
            return next
        }
        try FileManager.default.removeItem(atPath: nextFile)
        return current
    }
}
