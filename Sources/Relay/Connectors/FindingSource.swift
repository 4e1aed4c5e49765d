import PrismaAPI
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

    /// Sends `action` on the finding of `event` to Prisma Cloud and reads the answer.
    func act(_ action: AlertAction, on event: NormalizedEvent) async throws -> ActionAnswer
}

/// One page of findings, normalized.
public struct SourcePage: Sendable {
    public var events: [NormalizedEvent]
    /// Findings that could not be normalized, whole, with the reason.
    public var rejected: [(raw: JSONValue, reason: String)] = []
    /// Bytes of JSON the page was read from.
    public var bytes: Int
}

/// Normalizes a page; an item that cannot be identified is set aside with the reason, so that one malformed
/// finding neither blocks the connector nor disappears.
func normalizeAll(
    _ items: [JSONValue], bytes: Int, with normalize: (JSONValue) throws(NormalizationError) -> NormalizedEvent
) -> SourcePage {
    var page = SourcePage(events: [], bytes: bytes)
    for item in items {
        do {
            page.events.append(try normalize(item))
        } catch {
            page.rejected.append((item, "\(error)"))
        }
    }
    return page
}
