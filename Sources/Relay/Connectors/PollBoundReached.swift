/// A poll that ran out of time: what it stored stays, and its window is the next poll's.
public struct PollBoundReached: Error, Sendable, CustomStringConvertible {
    public var minutes: Int
    /// What it was doing when time ran out.
    public var last: String

    public init(minutes: Int, last: String) {
        self.minutes = minutes
        self.last = last
    }

    public var description: String {
        "the poll stopped at its \(minutes)-minute bound (last: \(last)); what it fetched is stored and the next poll repeats its window"
    }
}
