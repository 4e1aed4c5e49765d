import RelayHTTP
import RelayModel

/// A destination the relay reads back for two-way sync when the integration asks for it (`syncsBack`, from its
/// `syncClosed`): which of the records it opened were closed there, so that their alerts follow in Prisma Cloud
/// (PagerDuty tells by webhook instead; `PagerDutyWebhook`).
public protocol ClosingDestination: Destination {
    /// The records closed there, newest first, each by the key the relay opened it with.
    func closures(over http: HTTPExchange) async throws -> [Closure]
}

/// A record the relay opened, closed at the destination: the alert's key (`AlertKey`), and the note that says who
/// closed it and why.
public struct Closure: Sendable, Equatable {
    public var alertKey: String
    public var note: String

    public init(alertKey: String, note: String) {
        self.alertKey = alertKey
        self.note = note
    }
}

/// Why reading a destination's closures failed, in words.
public struct ClosureReadFailure: Error, CustomStringConvertible {
    public var description: String
}
