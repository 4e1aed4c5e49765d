import RelayModel

/// The roll-up windows of S3 (and Snowflake's staged files): an event belongs to the window its outbox row was
/// queued in, `rollUpInterval` minutes long, aligned to the epoch; a window is sent once it has closed.
public struct RollUp: Sendable, Equatable {
    /// Window length in milliseconds.
    public var intervalMillis: Int64

    public init(minutes: Int) { intervalMillis = Int64(max(1, minutes)) * 60_000 }

    /// The start of the window holding `queuedAt`.
    public func windowStart(_ queuedAt: Int64) -> Int64 { queuedAt - ((queuedAt % intervalMillis) + intervalMillis) % intervalMillis }

    /// When the window holding `queuedAt` closes.
    public func windowEnd(_ queuedAt: Int64) -> Int64 { windowStart(queuedAt) + intervalMillis }

    /// The object key of one part of a window: `prefix/YYYY/MM/DD/HH/<integration>-<window start>-<part>.json.gz`, where
    /// the part is the first outbox sequence number in it — so a retried upload of the same rows overwrites its
    /// object instead of adding one.
    public static func key(prefix: String, integrationID: String, windowStart: Int64, part: Int64) -> String {
        let time = Timestamp.rfc3339(epochMilliseconds: windowStart)  // 2026-11-22T04:00:00.000Z
        let digits = Array(time.utf8)
        func slice(_ range: Range<Int>) -> String { String(decoding: digits[range], as: UTF8.self) }
        let folder = "\(slice(0..<4))/\(slice(5..<7))/\(slice(8..<10))/\(slice(11..<13))"
        let stamp = "\(slice(0..<4))\(slice(5..<7))\(slice(8..<10))T\(slice(11..<13))\(slice(14..<16))Z"
        var prefix = prefix
        if !prefix.isEmpty, !prefix.hasSuffix("/") { prefix += "/" }
        return "\(prefix)\(folder)/\(integrationID)-\(stamp)-\(part).json.gz"
    }
}
