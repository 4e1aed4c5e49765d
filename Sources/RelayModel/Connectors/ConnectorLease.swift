/// A worker's right to poll one connector until `until` (epoch ms). Its `token` fences commits: the store refuses
/// a commit whose token is no longer the connector's current one, so a worker that lost its lease (paused, cut
/// off, too slow to renew) cannot move the cursor after another worker took over.
public struct ConnectorLease: Sendable, Equatable {
    public var connector: String
    public var owner: String
    public var until: Int64
    public var token: Int64

    public init(connector: String, owner: String, until: Int64, token: Int64) {
        self.connector = connector
        self.owner = owner
        self.until = until
        self.token = token
    }

    /// The lease two-way sync's pass is held under: one replica reads the syncing destinations each minute. A
    /// connector's name holds no space, so no connector is ever called this.
    public static let twoWaySync = "two-way sync"
}
