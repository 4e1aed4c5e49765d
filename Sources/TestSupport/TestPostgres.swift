import Crypto
import Foundation
import Logging
import PostgresNIO
import RelayModel
import RelayStore

/// The PostgreSQL server `scripts/test` starts (`scripts/start-postgres`): a fresh database per test, so tests run
/// side by side without seeing each other's rows. No mock: every PostgreSQL test talks to the real server.
public enum TestPostgres {
    /// `PRISMA_RELAY_MASTER_KEY` for every test database of this process, and for the processes tests start on them.
    public static let masterKeyBase64 = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).base64EncodedString() }
    /// The key itself.
    public static var masterKey: SecretBox {
        get throws { try SecretBox.fromEnvironment(for: "tests", environment: ["PRISMA_RELAY_MASTER_KEY": masterKeyBase64]) }
    }

    struct NotStarted: Error, CustomStringConvertible {
        var description: String {
            "PRISMA_RELAY_TEST_POSTGRES_URL is not set: run the tests with scripts/test, which starts PostgreSQL "
                + "(or start one with eval \"$(scripts/start-postgres /tmp/pg)\")"
        }
    }

    /// The server's administrator location (database `postgres`), with its password.
    public static var adminURL: String {
        get throws {
            guard let url = ProcessInfo.processInfo.environment["PRISMA_RELAY_TEST_POSTGRES_URL"] else { throw NotStarted() }
            return url
        }
    }

    /// The CA that signed the test server's certificate.
    public static var caFile: String? { ProcessInfo.processInfo.environment["PRISMA_RELAY_TEST_POSTGRES_CA"] }

    /// The server's data directory, to read what it keeps at rest.
    public static var dataDirectory: String? { ProcessInfo.processInfo.environment["PRISMA_RELAY_TEST_POSTGRES_DATA"] }

    /// A new, empty database; returns its URL (with the password, as an operator would give it).
    public static func freshDatabaseURL() async throws -> String {
        let name = "relay_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
        _ = try await admin { connection, logger in
            try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: logger)
        }
        guard var parts = URLComponents(string: try adminURL) else { throw NotStarted() }
        parts.path = "/" + name
        parts.queryItems = [URLQueryItem(name: "sslmode", value: "disable"), URLQueryItem(name: "pool_size", value: "4")]
        return parts.string ?? ""
    }

    /// A fresh, migrated store on a new database.
    public static func freshStore(clock: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) }) async throws
        -> PostgresStore
    {
        try await open(try PostgresSettings.parse(try freshDatabaseURL()), clock: clock)
    }

    /// The store at `settings`, sealed with the tests' master key. Its statements wait up to 30 s for a pooled
    /// connection, not the product's 10 s: with the whole suite running on two cores, opening one can take that long.
    public static func open(
        _ settings: PostgresSettings, clock: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) }
    ) async throws -> PostgresStore {
        try await PostgresStore.open(settings, box: try masterKey, clock: clock, connectionWait: .seconds(30))
    }

    /// Runs `body` on one connection to the `postgres` database as the administrator.
    public static func admin<T: Sendable>(_ body: (PostgresConnection, Logger) async throws -> T) async throws -> T {
        let settings = try PostgresSettings.parse(try adminURL)
        let logger = Logger(label: "test-postgres")
        let connection = try await PostgresConnection.connect(
            configuration: .init(
                host: settings.host, port: settings.port, username: settings.user, password: settings.password,
                database: settings.database, tls: .disable),
            id: 1, logger: logger)
        do {
            let value = try await body(connection, logger)
            try await connection.close()
            return value
        } catch {
            try? await connection.close()
            throw error
        }
    }

    /// Every file the server keeps for database `name` (its tables, indexes and TOAST) and its write-ahead log,
    /// after a checkpoint: what a stolen disk or backup holds.
    public static func bytesAtRest(database name: String) async throws -> [Data] {
        guard let data = dataDirectory else { throw NotStarted() }
        let oid = try await admin { connection, logger in
            try await connection.query("CHECKPOINT", logger: logger)
            let rows = try await connection.query("SELECT oid::bigint AS oid FROM pg_database WHERE datname = \(name)", logger: logger)
            var oid: Int64?
            for try await row in rows.decode(Int64.self) { oid = row }
            return oid
        }
        guard let oid else { return [] }
        var files: [Data] = []
        for folder in ["\(data)/base/\(oid)", "\(data)/pg_wal"] {
            for file in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] {
                if let bytes = FileManager.default.contents(atPath: "\(folder)/\(file)") { files.append(bytes) }
            }
        }
        return files
    }
}
