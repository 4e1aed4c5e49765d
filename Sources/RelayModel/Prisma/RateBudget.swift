/// A Prisma endpoint's documented rate limit, which Prisma counts per user: every process calling it with the same
/// access key on the same API host spends from one budget (`key`). The store keeps it as one number, the time the
/// next request is due (GCRA): each request pushes it on by `spacing`, and a request may go as long as it is due
/// within `burst - 1` spacings from now.
public struct RateBudget: Sendable, Equatable {
    public var key: String
    public var perSecond: Double
    public var burst: Int

    public init(key: String, perSecond: Double, burst: Int) {
        self.key = key
        self.perSecond = perSecond
        self.burst = burst
    }

    /// The alert list (`POST /v2/alert`, `/alert/v1/alert`): 2 requests a second, bursts of 10. Two requests of the
    /// burst are kept in reserve: requests spaced exactly at the rate can arrive bunched by network and scheduling
    /// delays (on a busy machine, by more than one spacing), and the spare tokens absorb up to a second of that.
    public static func alertList(apiURL: String, accessKeyID: String) -> RateBudget {
        RateBudget(key: "prisma-alerts \(apiURL) \(accessKeyID)", perSecond: 2, burst: 8)
    }

    /// Milliseconds between requests.
    public var spacing: Int64 { max(1, Int64((1000 / max(perSecond, 0.001)).rounded(.up))) }

    /// How long the request that moved the bucket's next turn to `nextAt` waits, at `now`.
    public func wait(nextAt: Int64, now: Int64) -> Int64 {
        max(0, nextAt - spacing - Int64(max(1, burst) - 1) * spacing - now)
    }
}
