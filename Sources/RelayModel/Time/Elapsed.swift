/// How long something took or has lasted, in the short words every surface uses. Pure.
public enum Elapsed {
    /// `45 s`, `12 min`, `3 h`, `2 d`: one unit, rounded down.
    public static func words(_ millis: Int64) -> String {
        let seconds = max(0, millis / 1000)
        if seconds < 120 { return "\(seconds) s" }
        if seconds < 7200 { return "\(seconds / 60) min" }
        if seconds < 172_800 { return "\(seconds / 3600) h" }
        return "\(seconds / 86_400) d"
    }
}
