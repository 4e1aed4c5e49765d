import RelayModel
import RelayStore

extension DeliveryEngine {
    /// The rows of `chunk` that would tell `integration` what it said itself: a dismissed alert whose last action
    /// was a dismissal this integration asked for (an incident resolved or closed there). They are settled as
    /// filtered, with why, so a change never goes round in a loop. Only a destination that `syncsBack` can have said
    /// anything, so no other pays for the look-up.
    func echoes(in chunk: [QueuedDelivery], to destination: any Destination, for integration: Integration) async throws
        -> [DeliveryRecord]
    {
        guard destination.syncsBack else { return [] }
        var records: [DeliveryRecord] = []
        for item in chunk where item.event.kind == .alert && item.event.status == "dismissed" {
            let last = try await store.actions(connector: item.event.connector, nativeID: item.event.nativeID).first { $0.succeeded }
            guard let last, last.action == "dismiss", last.origin == integration.id else { continue }
            records.append(
                DeliveryRecord(
                    seq: item.seq,
                    result: .filtered(reason: "dismissed because \(integration.name) resolved it: not sent back to it as news")))
        }
        return records
    }
}
