/// Which events to list.
public struct EventQuery: Sendable, Equatable {
    public var connector: String?
    public var severity: Severity?
    public var kind: EventKind?
    public var module: Module?
    public var status: String?
    /// Words the event's JSON must contain (title, policy, resource, raw event…), case-insensitively.
    public var text: String?
    public var limit: Int
    public init(
        connector: String? = nil, severity: Severity? = nil, kind: EventKind? = nil, module: Module? = nil, status: String? = nil,
        text: String? = nil, limit: Int = 100
    ) {
        self.connector = connector
        self.severity = severity
        self.kind = kind
        self.module = module
        self.status = status
        self.text = text
        self.limit = limit
    }
}
