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
        var enriched = claimed
        var settled: [DeliveryRecord] = []
        if let outcomes = try await enricher.prepare(claimed, roundBegan: roundBegan) {
            // Claimed events carry no enrichment yet: what the enricher decided is all of it.
            for index in enriched.indices {
                switch outcomes[index] {
                case .send(let enrichment?):
                    enriched[index].event.enrichment = enrichment.object
                    enriched[index].keptEnrichment = enrichment.kept
                case .send(nil): break
                case .held(let until): settled.append(DeliveryRecord(seq: enriched[index].seq, result: .held(until: until)))
                }
            }
            if !settled.isEmpty {
                let held = Set(settled.map(\.seq))
                enriched.removeAll { held.contains($0.seq) }
            }
        }
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
