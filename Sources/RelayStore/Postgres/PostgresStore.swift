import Crypto
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOSSL
import PostgresNIO
import RelayModel

/// The shared store for several replicas: one PostgreSQL database, through PostgresNIO's connection pool. Every
/// write that must be atomic is one transaction; claims and leases are decided by the database, so replicas never
/// take the same delivery or poll the same connector at once; a commit that queues deliveries wakes every replica.
public final class PostgresStore: RelayStore {
    let client: PostgresClient
    let running: Task<Void, Never>
    /// Listens for the other replicas' queued deliveries (`PostgresStore+Notify`).
    let listening: Task<Void, Never>
    /// Names this store in its notifications, so that it does not wake itself twice.
    let notifier = UUID().uuidString
    /// The master keys this replica holds; it seals with the one the database's key record is sealed with, so
    /// replicas agree while the key is rotated (`PostgresStore+Keys`).
    let keyring: NIOLockedValueBox<SecretBox>
    var box: SecretBox { keyring.withLockedValue { $0 } }
    /// The secret the API's tokens are signed with, kept sealed in the database: the same for every replica,
    /// whichever master key it holds. Nil until the key record is checked.
    let signingSecret = NIOLockedValueBox<SymmetricKey?>(nil)
    /// Where the database is and how to reach it (with the password: never show it; `location` is safe to).
    public let settings: PostgresSettings
    let logger: Logger
    /// Epoch milliseconds for the times the store stamps (queued, created, updated).
    let clock: @Sendable () -> Int64
    public let queued = WorkSignal()
    public var location: String { settings.location }
    /// How long a statement waits for a pooled connection before the store reports the database unreachable.
    let connectionWait: Duration

    init(
        settings: PostgresSettings, box: SecretBox, clock: @escaping @Sendable () -> Int64, logger: Logger, connectionWait: Duration
    ) throws {
        self.settings = settings
        self.connectionWait = connectionWait
        self.keyring = NIOLockedValueBox(box)
        self.clock = clock
        self.logger = logger
        var configuration = PostgresClient.Configuration(
            host: settings.host, port: settings.port, username: settings.user, password: settings.password,
            database: settings.database, tls: try Self.clientTLS(settings))
        configuration.options.maximumConnections = settings.poolSize
        configuration.options.connectTimeout = .seconds(10)
        configuration.options.connectionIdleTimeout = .seconds(30)
        configuration.options.additionalStartupParameters = [("application_name", "prisma-relay")]
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.client = client
        running = Task { await client.run() }
        listening = Task { [queued, notifier] in
            await Self.listenForQueued(queued, own: notifier, settings: settings, logger: logger)
        }
    }

    deinit {
        running.cancel()
        listening.cancel()
    }

    /// Opens the database `settings` name, migrating it when `migrate` (under an advisory lock, so replicas that
    /// start together migrate once), and — unless `checked` is false (`db migrate` opens a database that is behind)
    /// — refuses a schema that is not current and a `box` that is not the key its secrets were sealed with.
    /// Secrets are sealed with `box`, by default `PRISMA_RELAY_MASTER_KEY`, which every replica must share. A
    /// statement waits at most `connectionWait` for a pooled connection.
    public static func open(
        _ settings: PostgresSettings, box: SecretBox? = nil, migrate: Bool = true, checked: Bool = true,
        clock: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) },
        logger: Logger = PostgresStore.quietLogger, connectionWait: Duration = .seconds(10)
    ) async throws -> PostgresStore {
        let key = try box ?? SecretBox.fromEnvironment(for: "a PostgreSQL database")
        let store = try PostgresStore(settings: settings, box: key, clock: clock, logger: logger, connectionWait: connectionWait)
        do {
            try await store.probe()
            if migrate { try await store.migrate() }
            if checked {
                try await store.checkSchema()
                try await store.checkMasterKey()
            }
        } catch {
            store.close()
            throw error
        }
        return store
    }

    /// PostgresNIO's own log lines at error only: the store reports failures itself, in words.
    public static var quietLogger: Logger {
        var logger = Logger(label: "prisma-relay.postgres")
        logger.logLevel = .error
        return logger
    }

    /// Closes the connection pool and the listening connection.
    public func close() {
        running.cancel()
        listening.cancel()
    }

    /// How the connection is protected: whether TLS is off, preferred or required, and how the certificate is checked.
    static func tls(_ settings: PostgresSettings) throws -> (mode: PostgresSettings.SSLMode, configuration: TLSConfiguration) {
        var tls = TLSConfiguration.makeClientConfiguration()
        if let file = settings.sslRootCert {
            tls.trustRoots = .file(file)
        }
        switch settings.sslMode {
        case .disable, .prefer, .require:
            tls.certificateVerification = .none
        case .verifyCA:
            tls.certificateVerification = .noHostnameVerification
        case .verifyFull:
            // TLS checks a name against the certificate only when it is a host name: an IP address would go unchecked.
            guard !settings.host.isIPAddress else {
                throw StoreError.badLocation(
                    "sslmode=verify-full needs the host name the server's certificate names (such as db.example.com), "
                        + "not the IP address \(settings.host): give the name, or use verify-ca to check only the CA")
            }
            tls.certificateVerification = .fullVerification
        }
        return (settings.sslMode, tls)
    }

    static func clientTLS(_ settings: PostgresSettings) throws -> PostgresClient.Configuration.TLS {
        let (mode, configuration) = try tls(settings)
        switch mode {
        case .disable: return .disable
        case .prefer: return .prefer(configuration)
        case .require, .verifyCA, .verifyFull: return .require(configuration)
        }
    }

    /// Connects once, outside the pool, and says why it failed in words: the pool retries quietly for a minute and
    /// then reports only that it gave up, so the reason is learnt here.
    func probe() async throws {
        let (mode, tls) = try Self.tls(settings)
        let context = try NIOSSLContext(configuration: tls)
        var configuration = PostgresConnection.Configuration(
            host: settings.host, port: settings.port, username: settings.user, password: settings.password,
            database: settings.database,
            tls: mode == .disable ? .disable : mode == .prefer ? .prefer(context) : .require(context))
        configuration.options.connectTimeout = .seconds(10)
        do {
            let connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
            try? await connection.close()
        } catch {
            throw PostgresErrors.storeError(error, settings: settings)
        }
    }

    /// Whether the connection to the server is encrypted (the server's own view of it).
    public func connectedWithTLS() async throws -> Bool {
        try await rows("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").first?.get("ssl", as: Bool.self) ?? false
    }

    // MARK: Running statements

    /// Runs `body` in one transaction on one pooled connection: committed when it returns, rolled back when it
    /// throws (its own error is rethrown as it was).
    func transaction<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        try await leased { [logger] connection in
            try await connection.query("BEGIN", logger: logger)
            do {
                let value = try await body(connection)
                try await connection.query("COMMIT", logger: logger)
                return value
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
        }
    }

    /// The rows of one statement outside a transaction.
    func rows(_ query: PostgresQuery) async throws -> [PostgresRandomAccessRow] {
        try await leased { [logger] connection in try await connection.rows(query, logger: logger) }
    }

    /// Runs `body` on a pooled connection, in words an operator can act on when it fails. Waiting for the connection
    /// is bounded by `connectionWait`: while the server is down the pool would wait a minute before giving up, and
    /// every API request, poll and delivery round with it; past the bound the store says why, from a probe.
    /// Statements that started are never cut short, unless their connection closed and they were never answered
    /// (`untilClosed`).
    func leased<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        let lent = NIOLockedValueBox(false)
        do {
            return try await withThrowingTaskGroup(of: T?.self) { [client, connectionWait] group in
                group.addTask {
                    try await client.withConnection { connection in
                        lent.withLockedValue { $0 = true }
                        return try await Self.untilClosed(connection, body)
                    }
                }
                group.addTask {
                    try await Task.sleep(for: connectionWait)
                    guard lent.withLockedValue({ $0 }) else { throw ConnectionWaitExceeded(waited: connectionWait) }
                    return nil
                }
                while let value = try await group.next() {
                    if let value {
                        group.cancelAll()
                        return value
                    }
                }
                throw CancellationError()
            }
        } catch let error as StoreError {
            throw error
        } catch  where error is PSQLError || error is ConnectionLost {
            throw PostgresErrors.storeError(error, settings: settings)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            // No connection in time, or the pool gave up connecting (its circuit breaker): learn the reason from a
            // connection of our own.
            try await probe()
            throw PostgresErrors.storeError(error, settings: settings)
        }
    }

    /// A statement waited longer than `connectionWait` for a pooled connection.
    struct ConnectionWaitExceeded: Error, CustomStringConvertible {
        var waited: Duration
        var description: String { "no pooled connection became free within \(waited.components.seconds) s" }
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()
}

extension PostgresConnection {
    /// The rows of one statement, each readable by column name.
    func rows(_ query: PostgresQuery, logger: Logger) async throws -> [PostgresRandomAccessRow] {
        try await self.query(query, logger: logger).collect().map { $0.makeRandomAccess() }
    }
}

extension PostgresRandomAccessRow {
    /// The value of `column`, or `StoreError.corrupt` when it is not of that type.
    func get<T: PostgresDecodable>(_ column: String, as type: T.Type = T.self) throws -> T {
        do {
            return try self[column].decode(T.self, context: .default)
        } catch {
            throw StoreError.corrupt("column \(column) does not hold a \(T.self)")
        }
    }
}

extension String {
    var isIPAddress: Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, self, &v4) == 1 || inet_pton(AF_INET6, self, &v6) == 1
    }
}
