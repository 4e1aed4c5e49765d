import Foundation
import GRDB
import RelayModel
import Synchronization

/// The embedded store: one SQLite file in WAL mode, through GRDB.
public final class SQLiteStore: RelayStore {
    let pool: DatabasePool
    let box: SecretBox
    /// The key that seals this database's secrets.
    public var secretBox: SecretBox { box }
    /// The database file.
    public let path: String
    public var location: String { path }
    /// Epoch milliseconds for the times the store stamps (queued, created, updated).
    let clock: @Sendable () -> Int64
    public let queued = WorkSignal()
    /// Digests of enrichments this store has committed (rows of `enrichment` are never deleted): a batch stores only
    /// those it has not, instead of an insert per distinct enrichment in every batch. Bounded: emptied past 10,000.
    let storedEnrichments = Mutex<Set<String>>([])

    /// Opens (creating and migrating when needed) the database at `path`; secrets are sealed with `box`,
    /// by default the key file `<path>.key`.
    public init(
        path: String, box: SecretBox? = nil,
        clock: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) }
    ) throws {
        self.path = path
        self.clock = clock
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(10)
        let fresh = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0 == 0
        configuration.prepareDatabase { db in
            // A new database gets 16 KiB pages: an event's row (about 3 KB) takes a whole page of the default 4 KiB,
            // while five fit in 16 KiB, so the file is a fifth smaller and a commit writes fewer, larger pages. It takes
            // effect before the first write only: an existing database keeps its pages.
            if fresh { try db.execute(sql: "PRAGMA page_size = 16384") }
            // The writer caches 8 MiB of pages instead of 2: a page of events touches pages all over the index of
            // identities (a tenant's alert ids are not in time order; event ids are, see `EventID`), and with the
            // smaller cache they were written out and read back within the same commit.
            // docs/BENCHMARKS.md has both measured.
            if !db.configuration.readonly { try db.execute(sql: "PRAGMA cache_size = -8192") }
            // A statement that changes many rows inside a transaction (a claim, a batch's outcomes) keeps the pages it
            // would roll back in memory, not in a temporary file it writes a page at a time.
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
        }
        try Self.restrictFiles(at: path)
        pool = try DatabasePool(path: path, configuration: configuration)
        try Self.restrictFiles(at: path)
        try SQLiteMigrations.migrator.migrate(pool)
        if let box {
            self.box = box
        } else {
            let current = try SecretBox.load(keyFile: path + ".key")
            let usesFile = ProcessInfo.processInfo.environment["PRISMA_RELAY_MASTER_KEY"] == nil
            self.box = usesFile ? try Self.finishInterruptedRotation(pool: pool, path: path, current: current) : current
        }
    }

    /// The database holds sealed secrets, events and the hashes of API keys: only its owner may read it. A new file
    /// is created 0600 (SQLite gives its `-wal` and `-shm` the database's mode); older files are tightened.
    static func restrictFiles(at path: String) throws {
        let files = FileManager.default
        if !files.fileExists(atPath: path) {
            guard files.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
                throw StoreError.badLocation("the database file \(path) could not be created: check that its folder exists and is writable")
            }
        }
        for suffix in ["", "-wal", "-shm"] where files.fileExists(atPath: path + suffix) {
            try files.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path + suffix)
        }
    }

    public func migrate() async throws -> [String] {
        let before = try await pool.read { db in try SQLiteMigrations.migrator.appliedIdentifiers(db) }
        try SQLiteMigrations.migrator.migrate(pool)
        return SQLiteMigrations.migrator.migrations.filter { !before.contains($0) }
    }

    public func readiness() async throws {
        let current = try await pool.read { db in try SQLiteMigrations.migrator.hasCompletedMigrations(db) }
        guard current else { throw StoreError.unavailable("the database \(path) lacks migrations this build needs: open it again") }
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

}
