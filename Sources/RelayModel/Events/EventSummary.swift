/// How many events are stored, by severity and by module.
public struct EventSummary: Sendable, Equatable {
    public var total: Int
    public var bySeverity: [Severity: Int]
    public var byModule: [Module: Int]
    public init(total: Int = 0, bySeverity: [Severity: Int] = [:], byModule: [Module: Int] = [:]) {
        self.total = total
        self.bySeverity = bySeverity
        self.byModule = byModule
    }
}
