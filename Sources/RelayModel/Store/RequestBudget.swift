/// The arithmetic of a shared token bucket kept as one number, the time the next request is due (GCRA): each request
/// pushes it on by `spacing`, and a request may go as long as it is due within `burst - 1` spacings from now.
public enum RequestBudget {
    /// Milliseconds between requests at `perSecond`.
    public static func spacing(perSecond: Double) -> Int64 {
        max(1, Int64((1000 / max(perSecond, 0.001)).rounded(.up)))
    }

    /// How long the request that moved the bucket's next turn to `nextAt` waits, at `now`.
    public static func wait(nextAt: Int64, spacing: Int64, burst: Int, now: Int64) -> Int64 {
        let turn = nextAt - spacing
        return max(0, turn - Int64(max(1, burst) - 1) * spacing - now)
    }
}
