/// One `serve` process on the store, as its heartbeats tell: who and where it is, since when it runs, when it last
/// said so, and what it holds now.
public struct Replica: Sendable, Equatable {
    /// The worker id it leases connectors and claims deliveries under.
    public var id: String
    public var host: String
    public var pid: Int64
    /// The build it runs.
    public var version: String
    /// Epoch ms.
    public var startedAt: Int64
    public var heartbeatAt: Int64
    /// When it stopped on its own (nil while it runs, or when it died without saying so).
    public var stoppedAt: Int64?
    /// The connectors whose poll lease it holds now (filled when read back).
    public var connectors: [String]
    /// The deliveries it has claimed and not yet recorded (filled when read back).
    public var claimedDeliveries: Int
    /// Whether two-way sync's turn is its own now: it reads the syncing destinations this minute (filled when read
    /// back).
    public var twoWaySync: Bool

    public init(
        id: String, host: String, pid: Int64, version: String, startedAt: Int64, heartbeatAt: Int64, stoppedAt: Int64? = nil,
        connectors: [String] = [], claimedDeliveries: Int = 0, twoWaySync: Bool = false
    ) {
        self.id = id
        self.host = host
        self.pid = pid
        self.version = version
        self.startedAt = startedAt
        self.heartbeatAt = heartbeatAt
        self.stoppedAt = stoppedAt
        self.connectors = connectors
        self.claimedDeliveries = claimedDeliveries
        self.twoWaySync = twoWaySync
    }

    /// How often a replica says it is alive, in ms; one silent for three of these is lost.
    public static let heartbeatInterval: Int64 = 5_000

    /// A replica silent this long (a day, in ms) is forgotten.
    public static let forgottenAfter: Int64 = 86_400_000

    public enum Liveness: String, Sendable {
        case running, stopped
        /// No heartbeat for three intervals and no goodbye: killed, frozen or cut off from the database.
        case lost
    }

    public func liveness(at now: Int64) -> Liveness {
        if stoppedAt != nil { return .stopped }
        return now - heartbeatAt > 3 * Self.heartbeatInterval ? .lost : .running
    }
}
