import Logging
import RelayHTTP
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
    /// Hears of every wait before a retry (why, and how long) before it starts; throwing ends the call instead
    /// (a poll that would run past its bound).
    public var willWait: @Sendable (String, Duration) async throws -> Void
    /// Takes a request from a rate budget and says how long to wait before sending it; none by default.
    public var pace: @Sendable (RateBudget) async throws -> Duration

    public init(
        http: HTTPExchange = HTTPExchange(), retry: RetryPolicy = RetryPolicy(),
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
        logger: Logger = Logger(label: "prisma-relay.client"), observeStatus: @escaping @Sendable (Int) -> Void = { _ in },
        willWait: @escaping @Sendable (String, Duration) async throws -> Void = { _, _ in },
        pace: @escaping @Sendable (RateBudget) async throws -> Duration = { _ in .zero }
    ) {
        self.willWait = willWait
        self.pace = pace
        self.http = http
        self.retry = retry
        self.sleep = sleep
        self.logger = logger
        self.observeStatus = observeStatus
    }
}
