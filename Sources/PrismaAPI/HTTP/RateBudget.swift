/// A Prisma endpoint's documented rate limit, which Prisma counts per user: every process calling it with the same
/// access key on the same API host spends from one budget (`key`).
public struct RateBudget: Sendable, Equatable {
    public var key: String
    public var perSecond: Double
    public var burst: Int

    /// The alert list (`POST /v2/alert`, `/alert/v1/alert`): 2 requests a second, bursts of 10. One request of the
    /// burst is kept in reserve: requests spaced exactly at the rate can arrive bunched by network and scheduling
    /// delays, and the spare token absorbs up to a whole spacing of that.
    public static func alertList(apiURL: String, accessKeyID: String) -> RateBudget {
        RateBudget(key: "prisma-alerts \(apiURL) \(accessKeyID)", perSecond: 2, burst: 9)
    }
}
