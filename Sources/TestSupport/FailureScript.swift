/// The answers a receiver gives before it answers as the real service would: scripted by a test ("503 twice, then
/// accept"), used in order, once each. Every receiver scripts its failures with it.
public struct FailureScript<Answer: Sendable>: Sendable {
    private var answers: [Answer] = []

    public init() {}

    /// Appends answers to give next.
    public mutating func add(_ more: [Answer]) { answers += more }

    /// The next scripted answer, once; nil when the script is used up.
    public mutating func next() -> Answer? { answers.isEmpty ? nil : answers.removeFirst() }
}
