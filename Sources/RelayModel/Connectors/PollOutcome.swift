/// How a poll ended.
public enum PollOutcome: Sendable, Equatable {
    /// Every page was stored and the cursor moved; `added` events were new.
    case success(added: Int)
    /// The poll stopped; the message says why, and the cursor stayed where it was.
    case failure(message: String)
}
