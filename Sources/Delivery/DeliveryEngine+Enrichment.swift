import RelayModel
import RelayStore

extension DeliveryEngine {
    /// Claimed rows made ready to send: enriched by the `Enricher`, then decided by the rules that look at enrichment
    /// (sent, perhaps more severe, or filtered with why). Rows held for their lookups and rows filtered come back as
    /// records to store at once.
    func enrichAndRoute(_ claimed: [QueuedDelivery], for integration: Integration) async throws -> (
        ready: [QueuedDelivery], settled: [DeliveryRecord]
    ) {
        var rules = try await store.rules().filter { $0.integrationIDs.contains(integration.id) }
        if !rules.contains(where: { !$0.filters.enrichment.isEmpty || $0.raiseSeverityTo != nil }) { rules = [] }
        var ready: [QueuedDelivery] = []
        var settled: [DeliveryRecord] = []
        for prepared in try await enricher.prepare(claimed) {
            switch prepared {
            case .held(let item, let until):
                settled.append(DeliveryRecord(seq: item.seq, result: .held(until: until)))
            case .ready(var item):
                guard !rules.isEmpty else {
                    ready.append(item)
                    continue
                }
                let decision = AlertRouter.decide(item.event, for: integration.id, rules: rules)
                guard let event = decision.send else {
                    settled.append(DeliveryRecord(seq: item.seq, result: .filtered(reason: decision.why ?? "filtered by a rule")))
                    continue
                }
                // A rule that raised the severity says so in the enrichment kept.
                if event.enrichment != item.event.enrichment { item.keptEnrichment = KeptEnrichment(event.enrichment) }
                item.event = event
                ready.append(item)
            }
        }
        return (ready, settled)
    }
}
