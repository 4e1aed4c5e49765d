import Logging
import RelayModel

/// What every Prisma client shares: the HTTP exchange, the retry policy, how to wait, where to log.
public struct ClientEnvironment: Sendable {
    public var http: HTTPExchange
    public var retry: RetryPolicy
    /// Waits between attempts; tests record instead of sleeping.
    public var sleep: @Sendable (Duration) async throws -> Void
    public var logger: Logger
    /// Sees the status of every answer (for metrics).
    public var observeStatus: @Sendable (Int) -> Void

    public init(
        http: HTTPExchange = HTTPExchange(), retry: RetryPolicy = RetryPolicy(),
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
        logger: Logger = Logger(label: "prisma-relay.client"), observeStatus: @escaping @Sendable (Int) -> Void = { _ in }
    ) {
        self.http = http
        self.retry = retry
        self.sleep = sleep
        self.logger = logger
        self.observeStatus = observeStatus
    }
}
