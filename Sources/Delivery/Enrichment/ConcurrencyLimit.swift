/// At most `limit` callers at once; the others wait their turn in order. A source whose vendor caps concurrent calls
/// (Qualys' `X-Concurrency-Limit-Limit`) keeps under the cap with it.
public actor ConcurrencyLimit {
    private var limit: Int
    private var running = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    public init(_ limit: Int) { self.limit = max(1, limit) }

    /// Runs `body` once a place is free.
    public func run<T: Sendable>(_ body: @Sendable () async throws -> T) async rethrows -> T {
        await acquire()
        defer { release() }
        return try await body()
    }

    /// Follows the vendor's stated cap.
    public func setLimit(_ value: Int) { limit = max(1, value) }

    func acquire() async {
        if running < limit {
            running += 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func release() {
        if !waiting.isEmpty, running <= limit {
            waiting.removeFirst().resume()
        } else {
            running -= 1
        }
    }
}
