/// Which events to list.
public struct EventQuery: Sendable, Equatable {
    public var connector: String?
    public var severity: Severity?
    public var kind: EventKind?
    public var module: Module?
    public var status: String?
    /// Words the event's JSON must contain (title, policy, resource, raw event…), case-insensitively.
    public var text: String?
    /// Only events whose alert Prisma changed at or after this time (epoch ms).
    public var updatedSince: Int64?
    /// The page after this position (the list is newest first); nil for the first page.
    public var after: EventCursor?
    public var limit: Int

    public init(
        connector: String? = nil, severity: Severity? = nil, kind: EventKind? = nil, module: Module? = nil, status: String? = nil,
        text: String? = nil, updatedSince: Int64? = nil, after: EventCursor? = nil, limit: Int = 100
    ) {
        self.connector = connector
        self.severity = severity
        self.kind = kind
        self.module = module
        self.status = status
        self.text = text
        self.updatedSince = updatedSince
        self.after = after
        self.limit = limit
    }
}

/// A position in the list of events (newest first): the last event of a page, by when Prisma last changed it and the
/// order it was stored in. Pages after it are read by keyset, so a page costs the same however deep it is.
public struct EventCursor: Sendable, Equatable, CustomStringConvertible {
    public var updatedMillis: Int64
    public var seq: Int64

    public init(updatedMillis: Int64, seq: Int64) {
        self.updatedMillis = updatedMillis
        self.seq = seq
    }

    /// The cursor as a link or an API answer carries it: `<updated ms>.<seq>`.
    public var description: String { "\(updatedMillis).\(seq)" }

    /// A cursor from its text; nil when the text is not one.
    public init?(_ text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let updated = Int64(parts[0]), let seq = Int64(parts[1]), seq >= 0 else { return nil }
        self.init(updatedMillis: updated, seq: seq)
    }
}

/// One page of events, newest first, and where the next page starts (nil after the last).
public struct EventPage: Sendable, Equatable {
    public var events: [NormalizedEvent]
    public var next: EventCursor?

    public init(events: [NormalizedEvent], next: EventCursor?) {
        self.events = events
        self.next = next
    }
}
