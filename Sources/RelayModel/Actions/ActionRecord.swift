/// One action taken on a finding in Prisma Cloud through the relay, as it was recorded: who asked, when, what, and
/// what Prisma answered. Kept per finding (connector and native id), across the finding's versions.
public struct ActionRecord: Sendable, Equatable {
    /// How the action ended.
    public enum Outcome: String, Sendable, CaseIterable {
        /// Prisma did it.
        case done
        /// Prisma said the finding was no longer in the state the action starts from: it was done already.
        case alreadyDone = "already_done"
        /// Prisma refused it (a permission, a minimum snooze, a finding it does not know); nothing changed.
        case refused
        /// Prisma could not be reached or kept failing; nothing is known to have changed.
        case failed
    }

    /// The store's id, set when the record is stored.
    public var id: Int64?
    public var connector: String
    /// The alert id (`P-…`) or the Compute incident `_id`.
    public var nativeID: String
    /// The stored event the action was asked on.
    public var eventID: String
    /// The action's word (`AlertAction.name`).
    public var action: String
    public var note: String?
    /// A snooze's duration, in words (`3 days`).
    public var duration: String?
    /// Who asked: `api key ops-bot`, `console user ops-bot`, `cli root`, or a destination (`pagerduty <name>: <who>`).
    public var actor: String
    /// The integration whose news caused it (two-way sync), so that it is not sent back there as news.
    public var origin: String?
    /// Epoch milliseconds.
    public var requestedAt: Int64
    public var outcome: Outcome
    /// Prisma's answer in words.
    public var detail: String
    /// Prisma's HTTP status, when it answered.
    public var statusCode: Int?

    public init(
        id: Int64? = nil, connector: String, nativeID: String, eventID: String, action: String, note: String? = nil,
        duration: String? = nil, actor: String, origin: String? = nil, requestedAt: Int64, outcome: Outcome, detail: String,
        statusCode: Int? = nil
    ) {
        self.id = id
        self.connector = connector
        self.nativeID = nativeID
        self.eventID = eventID
        self.action = action
        self.note = note
        self.duration = duration
        self.actor = actor
        self.origin = origin
        self.requestedAt = requestedAt
        self.outcome = outcome
        self.detail = detail
        self.statusCode = statusCode
    }

    /// Whether the finding is now in the state the action asked for.
    public var succeeded: Bool { outcome == .done || outcome == .alreadyDone }
}

extension ActionRecord {
    /// The record as the API shows it.
    public var jsonValue: JSONValue {
        .object([
            "id": .optional(id.map(String.init)), "connector": .string(connector), "alertId": .string(nativeID),
            "eventId": .string(eventID), "action": .string(action), "note": .optional(note), "duration": .optional(duration),
            "actor": .string(actor), "origin": .optional(origin), "requestedAt": .string(Timestamp.rfc3339(epochMilliseconds: requestedAt)),
            "outcome": .string(outcome.rawValue), "detail": .string(detail), "statusCode": statusCode.map { .int(Int64($0)) } ?? .null,
        ])
    }
}
