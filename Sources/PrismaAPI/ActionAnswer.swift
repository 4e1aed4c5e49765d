import RelayModel

/// What Prisma Cloud answered to an action on a finding, in words first.
public struct ActionAnswer: Sendable, Equatable {
    public var outcome: ActionRecord.Outcome
    public var detail: String
    public var statusCode: Int?

    public init(_ outcome: ActionRecord.Outcome, _ detail: String, statusCode: Int?) {
        self.outcome = outcome
        self.detail = detail
        self.statusCode = statusCode
    }
}
