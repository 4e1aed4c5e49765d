import RelayModel

/// Where a connector's findings come from: a CSPM alert list or a Compute console. The poller owns windows,
/// storage and status; a source only logs in, walks the pages of a window and normalizes them.
public protocol FindingSource: Sendable {
    /// Logs in, then hands each page of `window` (epoch ms), normalized, to `page`, in order.
    func collect(
        window: ClosedRange<Int64>, observedAt: @Sendable () -> Int64, page: (SourcePage) async throws -> Void
    ) async throws

    /// Proves the configuration works: logs in and reads from the last hour, as a poll would.
    func probe(now: Int64) async throws
}

/// One page of findings, normalized.
public struct SourcePage: Sendable {
    public var events: [NormalizedEvent]
    /// Bytes of JSON the page was read from.
    public var bytes: Int
}

/// Normalizes a page, failing the poll when an item cannot be identified (the window is then retried).
func normalizeAll(
    _ items: [JSONValue], with normalize: (JSONValue) throws(NormalizationError) -> NormalizedEvent
) throws -> [NormalizedEvent] {
    try items.map { item in
        do {
            return try normalize(item)
        } catch {
            throw PollError.unusableFinding("\(error)")
        }
    }
}
