/// What became of one delivery attempt.
public enum DeliveryResult: Sendable, Equatable {
    case delivered
    /// Try again at `nextAttemptAt` (epoch ms).
    case retry(nextAttemptAt: Int64, error: String)
    /// Given up: kept as a dead letter with the reason, never silently dropped.
    case dead(reason: String)
    /// Not attempted yet: due again at `until` (epoch ms), attempts unchanged.
    case held(until: Int64)
    /// Not sent, and never will be: every rule that queued it requires enrichment that is not there (`reason`).
    case filtered(reason: String)
}

/// What became of one outbox row.
public struct DeliveryRecord: Sendable, Equatable {
    public var seq: Int64
    public var result: DeliveryResult
    /// What the enrichment sources added to the event as it was delivered: kept with the event the first time, so
    /// the console and the API show it.
    public var enrichment: KeptEnrichment?
    public init(seq: Int64, result: DeliveryResult, enrichment: KeptEnrichment? = nil) {
        self.seq = seq
        self.result = result
        self.enrichment = enrichment
    }
}

/// An event's enrichment as the store keeps it: its JSON text, and a digest of that text under which events with the
/// same enrichment share one copy.
public struct KeptEnrichment: Sendable, Equatable {
    public var json: String
    public var digest: String
    public init(json: String, digest: String) {
        self.json = json
        self.digest = digest
    }
}
