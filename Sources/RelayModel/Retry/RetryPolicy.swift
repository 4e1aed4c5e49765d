import Foundation

/// The one retry policy of the relay, for polls and deliveries alike: 408, 425, 429 and 5xx (and network
/// failures) are retried with exponential backoff and full jitter, waiting at least what `Retry-After` or
/// Prisma's `X-RateLimit-*` headers ask for; attempts are capped.
public struct RetryPolicy: Sendable, Equatable {
    /// Total attempts, the first included, counting failures other than rate limiting.
    public var maxAttempts: Int
    /// Total attempts answered with 429: the server pacing the client rather than failing, so it gets a larger budget.
    public var maxRateLimitedAttempts: Int
    /// The backoff ceiling of the first retry; it doubles each retry.
    public var baseDelay: Duration
    /// No single wait is longer than this.
    public var maxDelay: Duration

    public init(
        maxAttempts: Int = 8, maxRateLimitedAttempts: Int = 30, baseDelay: Duration = .milliseconds(500),
        maxDelay: Duration = .seconds(60)
    ) {
        self.maxAttempts = maxAttempts
        self.maxRateLimitedAttempts = maxRateLimitedAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    /// Deliveries' backoff: destinations are waited out through outages, so waits grow to ten minutes.
    public static let delivery = RetryPolicy(baseDelay: .seconds(2), maxDelay: .seconds(600))

    /// Whether a failure looks like the destination being down or overloaded — no answer, or 408, 425, 429, 502,
    /// 503, 504 — rather than refusing this request: such failures are retried until the age cap, however many
    /// attempts that takes.
    public static func isOutage(status: Int?) -> Bool {
        guard let status else { return true }
        return [408, 425, 429, 502, 503, 504].contains(status)
    }

    /// Whether an HTTP status is worth another attempt.
    public static func isRetryable(status: Int) -> Bool {
        status == 408 || status == 425 || status == 429 || (500...599).contains(status)
    }

    /// How long to wait before retry number `retry` (1 for the first retry): the server's floor, if any, plus
    /// a full-jitter share of `baseDelay · 2^(retry-1)`, all capped at `maxDelay`.
    public func delay(
        retry: Int, floor: Duration? = nil, using random: inout some RandomNumberGenerator
    ) -> Duration {
        let ceiling = min(maxDelay, baseDelay * (1 << min(max(retry - 1, 0), 20)))
        let ceilingNanos = max(Int64(0), ceiling.wholeNanoseconds)
        // A fraction in [0, 1] from the top 53 bits, so any generator (even a constant one in tests) works.
        let fraction = Double(random.next() >> 11) / Double((1 as UInt64) << 53 - 1)
        let jitter = Duration.nanoseconds(Int64(Double(ceilingNanos) * fraction))
        return min(maxDelay, (floor ?? .zero) + jitter)
    }

    /// The wait a server asks for: `Retry-After` in seconds, or, when Prisma's limiter says no tokens remain,
    /// the time to replenish the tokens requested.
    public static func serverFloor(headers: (String) -> String?) -> Duration? {
        if let retryAfter = headers("Retry-After").flatMap({ Double($0.trimmingCharacters(in: .whitespaces)) }), retryAfter >= 0 {
            return .milliseconds(Int64(retryAfter * 1000))
        }
        if let remaining = headers("X-RateLimit-Remaining").flatMap(Int.init), remaining <= 0,
            let rate = headers("X-RateLimit-Replenish-Rate").flatMap(Double.init), rate > 0
        {
            let requested = headers("X-RateLimit-Requested-Tokens").flatMap(Double.init) ?? 1
            return .milliseconds(Int64((requested / rate * 1000).rounded(.up)))
        }
        return nil
    }
}

extension Duration {
    /// The whole duration in nanoseconds.
    public var wholeNanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }

    /// The whole duration in milliseconds.
    public var wholeMilliseconds: Int64 { components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000 }
}
