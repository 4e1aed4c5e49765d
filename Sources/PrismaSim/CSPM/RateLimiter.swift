/// Prisma's per-user token bucket (2 requests/s, burst 10 on the alert endpoints).
struct RateLimiter: Sendable {
    struct Bucket: Sendable {
        var tokens: Double
        var updatedAt: Int64
    }

    var rate: Double
    var burst: Int
    var buckets: [String: Bucket] = [:]

    /// Takes one token for `user` at `now` (ms); returns whether it was granted and the tokens left.
    mutating func take(user: String, now: Int64) -> (granted: Bool, remaining: Int) {
        var bucket = buckets[user] ?? Bucket(tokens: Double(burst), updatedAt: now)
        bucket.tokens = min(Double(burst), bucket.tokens + Double(max(0, now - bucket.updatedAt)) / 1000 * rate)
        bucket.updatedAt = now
        let granted = bucket.tokens >= 1
        if granted { bucket.tokens -= 1 }
        buckets[user] = bucket
        return (granted, Int(bucket.tokens))
    }

    /// The `X-RateLimit-*` headers Prisma sends with a rate-limited answer.
    func headers(remaining: Int) -> [(String, String)] {
        [
            ("X-RateLimit-Burst-Capacity", String(burst)), ("X-RateLimit-Replenish-Rate", String(Int(rate.rounded(.up)))),
            ("X-RateLimit-Remaining", String(remaining)), ("X-RateLimit-Requested-Tokens", "1"),
        ]
    }
}
