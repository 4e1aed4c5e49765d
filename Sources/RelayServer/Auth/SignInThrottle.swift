/// Slows guessing: after a few refused secrets for one key id or from one client address, further attempts for
/// it are refused unchecked for a wait that doubles with each failure (one second, then two, four, … up to five
/// minutes). A success clears the key's and the address's record; records lapse after fifteen minutes of quiet.
actor SignInThrottle {
    struct Record {
        var failures = 0
        var lastFailure: Int64 = 0
        var blockedUntil: Int64 = 0
    }

    private var records: [String: Record] = [:]
    let clock: @Sendable () -> Int64
    /// Failures allowed before waits begin.
    static let freeFailures = 3
    static let maxWaitMillis: Int64 = 300_000
    static let forgetAfterMillis: Int64 = 900_000

    init(clock: @escaping @Sendable () -> Int64) { self.clock = clock }

    static func keys(keyID: String, client: String?) -> [String] { ["key:" + keyID] + (client.map { ["client:" + $0] } ?? []) }

    /// Milliseconds to wait before this key id or client may try again, or nil when it may try now.
    func wait(keyID: String, client: String?) -> Int64? {
        let now = clock()
        let until = Self.keys(keyID: keyID, client: client).compactMap { records[$0]?.blockedUntil }.max() ?? 0
        return until > now ? until - now : nil
    }

    func failed(keyID: String, client: String?) {
        let now = clock()
        if records.count > 10_000 { records = records.filter { now - $0.value.lastFailure < Self.forgetAfterMillis } }
        for key in Self.keys(keyID: keyID, client: client) {
            var record = records[key] ?? Record()
            if now - record.lastFailure > Self.forgetAfterMillis { record = Record() }
            record.failures += 1
            record.lastFailure = now
            if record.failures >= Self.freeFailures {
                let wait = min(Self.maxWaitMillis, 1000 << min(20, record.failures - Self.freeFailures))
                record.blockedUntil = now + wait
            }
            records[key] = record
        }
    }

    func succeeded(keyID: String, client: String?) {
        for key in Self.keys(keyID: keyID, client: client) { records[key] = nil }
    }
}
