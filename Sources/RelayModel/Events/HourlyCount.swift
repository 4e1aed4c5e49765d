/// Events of one severity in one hour.
public struct HourlyCount: Sendable, Equatable {
    /// The hour's start, epoch ms.
    public var hour: Int64
    public var severity: Severity
    public var count: Int
    public init(hour: Int64, severity: Severity, count: Int) {
        self.hour = hour
        self.severity = severity
        self.count = count
    }
}
