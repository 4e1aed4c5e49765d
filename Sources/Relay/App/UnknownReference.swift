/// An id or name given to pick one thing of a kind (an integration, an alert rule) that names none of them.
public struct UnknownReference: Error, Equatable, CustomStringConvertible {
    /// What was sought, as people say it: "integration", "alert rule".
    public var kind: String
    public var given: String

    public var description: String { "there is no \(kind) with the id or name \(given)" }
}
