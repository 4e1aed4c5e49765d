/// An outbox row ready to send.
public struct QueuedDelivery: Sendable, Equatable {
    public var seq: Int64
    public var event: NormalizedEvent
    /// Attempts made so far.
    public var attempts: Int
    public var createdAt: Int64
    /// The key the destination knew this alert by before keys named their connector (PagerDuty incidents opened
    /// under the bare alert id), or nil: then `AlertKey.of(event)`.
    public var legacyDestinationKey: String?
    /// The event's enrichment as it will be kept once delivered (the enricher serializes each distinct one once).
    public var keptEnrichment: KeptEnrichment?
    public init(seq: Int64, event: NormalizedEvent, attempts: Int, createdAt: Int64, legacyDestinationKey: String? = nil) {
        self.seq = seq
        self.event = event
        self.attempts = attempts
        self.createdAt = createdAt
        self.legacyDestinationKey = legacyDestinationKey
    }
}
