/// One finished poll, as a connector's history keeps it.
public struct PollRecord: Sendable, Equatable {
    public var connector: String
    /// When it started and ended, epoch ms.
    public var startedAt: Int64
    public var finishedAt: Int64
    /// Pages and findings received, events that were new, findings kept aside as rejected.
    public var pages: Int
    public var fetched: Int
    public var added: Int
    public var rejected: Int
    /// Why it failed, in words; nil when every page was stored and the cursor moved.
    public var error: String?

    public init(
        connector: String, startedAt: Int64, finishedAt: Int64, pages: Int = 0, fetched: Int = 0, added: Int = 0,
        rejected: Int = 0, error: String? = nil
    ) {
        self.connector = connector
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.pages = pages
        self.fetched = fetched
        self.added = added
        self.rejected = rejected
        self.error = error
    }

    public var succeeded: Bool { error == nil }
    public var durationMillis: Int64 { finishedAt - startedAt }

    /// How long a connector's history keeps polls: a week and a day, and always the last `keptAtLeast`.
    public static let keptMillis: Int64 = 8 * 86_400_000
    public static let keptAtLeast = 50
}

/// The polls of a connector that ended in one hour.
public struct PollHour: Sendable, Equatable {
    /// The hour's start, epoch ms.
    public var hour: Int64
    public var succeeded: Int
    public var failed: Int
    public init(hour: Int64, succeeded: Int, failed: Int) {
        self.hour = hour
        self.succeeded = succeeded
        self.failed = failed
    }
}
