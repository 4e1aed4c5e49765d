import RelayModel
import Testing

/// A generator that always returns the same value, to pin jitter.
struct FixedRandom: RandomNumberGenerator {
    var value: UInt64
    mutating func next() -> UInt64 { value }
}

@Suite("Retry policy")
struct RetryPolicyTests {
    @Test("retries 408, 425, 429 and 5xx, nothing else", arguments: [400, 401, 403, 404, 408, 422, 425, 429, 500, 502, 503, 504])
    func retryable(status: Int) {
        #expect(RetryPolicy.isRetryable(status: status) == [408, 425, 429, 500, 502, 503, 504].contains(status))
    }

    @Test("backoff ceilings double per retry and stop at the maximum")
    func ceilings() {
        let policy = RetryPolicy(maxAttempts: 10, baseDelay: .seconds(1), maxDelay: .seconds(5))
        var top = FixedRandom(value: .max)
        #expect(policy.delay(retry: 1, using: &top) <= .seconds(1))
        #expect(policy.delay(retry: 3, using: &top) <= .seconds(4))
        #expect(policy.delay(retry: 9, using: &top) == .seconds(5))
        var bottom = FixedRandom(value: 0)
        #expect(policy.delay(retry: 9, using: &bottom) == .zero)
    }

    @Test("full jitter spreads waits between zero and the ceiling")
    func jitterSpread() {
        let policy = RetryPolicy(baseDelay: .seconds(8))
        var random = SystemRandomNumberGenerator()
        let waits = (0..<200).map { _ in policy.delay(retry: 1, using: &random) }
        #expect(waits.allSatisfy { $0 >= .zero && $0 <= .seconds(8) })
        #expect(Set(waits).count > 150)
    }

    @Test("waits at least what Retry-After asks")
    func retryAfter() {
        let floor = RetryPolicy.serverFloor(headers: { $0 == "Retry-After" ? "30" : nil })
        #expect(floor == .seconds(30))
        var bottom = FixedRandom(value: 0)
        #expect(RetryPolicy().delay(retry: 1, floor: floor, using: &bottom) == .seconds(30))
    }

    @Test("waits for Prisma's token bucket to refill when X-RateLimit-Remaining is 0")
    func rateLimitHeaders() {
        let headers = ["X-RateLimit-Remaining": "0", "X-RateLimit-Replenish-Rate": "2", "X-RateLimit-Requested-Tokens": "1"]
        #expect(RetryPolicy.serverFloor(headers: { headers[$0] }) == .milliseconds(500))
        #expect(RetryPolicy.serverFloor(headers: { ["X-RateLimit-Remaining": "3"][$0] }) == nil)
    }
}
