import RelayModel
import RelayStore

extension DeliveryEngine {
    /// The rules routing to `integration` that look at enrichment (filter on it or raise the severity), or none
    /// when no rule does.
    func enrichmentRules(for integration: Integration) async throws -> [AlertRule] {
        let rules = try await store.rules().filter { $0.integrationIDs.contains(integration.id) }
        return rules.contains(where: { !$0.filters.enrichment.isEmpty || $0.raiseSeverityTo != nil }) ? rules : []
    }

    /// Claimed rows made ready to send: enriched by the `Enricher`, then decided by `rules` (those of
    /// `enrichmentRules`: sent, perhaps more severe, or filtered with why). Rows held for their lookups and rows
    /// filtered come back as records to store at once. Lookups are waited for at most the enricher's round wait
    /// after `roundBegan`.
    func enrichAndRoute(
        _ claimed: [QueuedDelivery], for integration: Integration, rules: [AlertRule], roundBegan: ContinuousClock.Instant
    ) async throws -> (
        ready: [QueuedDelivery], settled: [DeliveryRecord]
    ) {
        let (enriched, held) = try await enricher.prepare(claimed, roundBegan: roundBegan)
        var settled = held.map { DeliveryRecord(seq: $0.seq, result: .held(until: $0.until)) }
        guard !rules.isEmpty else { return (enriched, settled) }
        var ready: [QueuedDelivery] = []
        for var item in enriched {
            let decision = AlertRouter.decide(item.event, for: integration.id, rules: rules)
            guard var event = decision.send else {
                settled.append(DeliveryRecord(seq: item.seq, result: .filtered(reason: decision.why ?? "filtered by a rule")))
                continue
            }
            // A rule that raised the severity says so in the enrichment kept.
            if event.enrichment != item.event.enrichment {
                (event.enrichment, item.keptEnrichment) = KeptEnrichment.keeping(event.enrichment)
            }
            item.event = event
            ready.append(item)
        }
        return (ready, settled)
    }
}
