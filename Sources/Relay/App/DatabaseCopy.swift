import Foundation
import RelayModel
import RelayStore

/// `prisma-relay db copy`: moves a SQLite database into PostgreSQL, for a relay that outgrows one process.
public enum DatabaseCopy {
    /// What was copied, from where to where (both as safe to show).
    public struct Report: Sendable {
        public let source: String
        public let target: String
        /// Per table, in the order copied: rows added, and rows the target held already.
        public let tables: [(table: String, copied: Int, kept: Int)]
    }

    /// Copies the SQLite database `source` (a path or `sqlite:PATH`) into the PostgreSQL database `target`, creating
    /// its schema when new. The source's secrets open with the key file beside it (else `PRISMA_RELAY_MASTER_KEY`,
    /// when it was sealed with that); the target's are sealed with `PRISMA_RELAY_MASTER_KEY`.
    public static func run(
        from source: String, to target: String, merge: Bool,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) async throws -> Report {
        let trimmed = source.trimmingCharacters(in: .whitespaces)
        let path = StoreLocation.sqlitePath(trimmed) ?? trimmed
        guard !PostgresSettings.names(path), !path.isEmpty else {
            throw StoreError.badLocation("--from must name a SQLite database, as sqlite:prisma-relay.sqlite")
        }
        guard FileManager.default.fileExists(atPath: path) else {
            throw StoreError.badLocation("there is no SQLite database at \(path): give the file serve used (--from sqlite:PATH)")
        }
        guard PostgresSettings.names(target) else {
            throw StoreError.badLocation("--to must be a PostgreSQL URL, as postgres://relay@db.internal:5432/relay?sslmode=verify-full")
        }
        let keyFile = path + ".key"
        let sourceBox =
            FileManager.default.fileExists(atPath: keyFile)
            ? try SecretBox.load(keyFile: keyFile, environment: [:])
            : try SecretBox.fromEnvironment(for: "the SQLite database \(path), which has no key file beside it,", environment: environment)
        let from = try SQLiteStore(path: path, box: sourceBox)
        let to = try await PostgresStore.open(
            try PostgresSettings.parse(target, environment: environment),
            box: try SecretBox.fromEnvironment(for: "a PostgreSQL database", environment: environment))
        defer { to.close() }
        let counts = try await to.copy(from: from, merge: merge)
        return Report(source: from.location, target: to.location, tables: counts.map { ($0.table, $0.copied, $0.kept) })
    }
}
