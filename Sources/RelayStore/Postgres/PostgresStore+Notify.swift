import Logging
import NIOSSL
import PostgresNIO

/// Replicas wake each other: a commit that queues deliveries notifies a channel in its transaction (delivered when it
/// commits), naming the store that queued; every other store listens on it and rings its `queued` signal, so each
/// replica's delivery loop starts at once, not at its next tick. (A store rings its own signal itself.)
extension PostgresStore {
    /// The channel a commit that queues deliveries notifies.
    static let queuedChannel = "prisma_relay_queued"

    /// Notifies the other replicas, inside the transaction of `connection`, that the store `sender` queued deliveries.
    static func notifyQueued(_ connection: PostgresConnection, from sender: String, logger: Logger) async throws {
        try await connection.query("SELECT pg_notify(\(queuedChannel), \(sender))", logger: logger)
    }

    /// Rings `signal` at each notification on `queuedChannel` from a store other than `own`, over a connection of its
    /// own (outside the pool, which may be a single connection), connecting again a second after losing it, until the
    /// task is cancelled.
    static func listenForQueued(_ signal: WorkSignal, own: String, settings: PostgresSettings, logger: Logger) async {
        while !Task.isCancelled {
            do {
                let connection = try await PostgresConnection.connect(
                    configuration: try listenerConfiguration(settings), id: 0, logger: logger)
                do {
                    try await connection.listen(on: queuedChannel) { notifications in
                        for try await notification in notifications where notification.payload != own { signal.ring() }
                    }
                } catch {
                    logger.debug("queued notifications lost", metadata: ["reason": "\(error)"])
                }
                try? await connection.close()
                // A notification may have been missed while not listening: one spurious round costs little.
                signal.ring()
            } catch {
                logger.debug("cannot listen for queued notifications", metadata: ["reason": "\(error)"])
            }
            try? await Task.sleep(for: .seconds(1))
        }
    }

    /// The pool's connection settings, for one connection.
    static func listenerConfiguration(_ settings: PostgresSettings) throws -> PostgresConnection.Configuration {
        let (mode, tls) = try Self.tls(settings)
        let protection: PostgresConnection.Configuration.TLS
        switch mode {
        case .disable: protection = .disable
        case .prefer: protection = .prefer(try NIOSSLContext(configuration: tls))
        case .require, .verifyCA, .verifyFull: protection = .require(try NIOSSLContext(configuration: tls))
        }
        var configuration = PostgresConnection.Configuration(
            host: settings.host, port: settings.port, username: settings.user, password: settings.password, database: settings.database,
            tls: protection)
        configuration.options.connectTimeout = .seconds(10)
        configuration.options.additionalStartupParameters = [("application_name", "prisma-relay")]
        return configuration
    }
}
