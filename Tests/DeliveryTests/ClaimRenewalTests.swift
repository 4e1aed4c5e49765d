import Delivery
import Foundation
import RelayHTTP
import RelayModel
import RelayStore
import TestSupport
import Testing

@Suite("Delivery claims")
struct ClaimRenewalTests {
    /// A destination that takes `seconds` of the hand-moved clock to answer each batch.
    struct SlowDestination: Destination {
        let clock: ManualClock
        let seconds: Int64
        var maxBatch: Int { 1 }
        func deliver(_ batch: [QueuedDelivery], over http: HTTPExchange) async -> BatchOutcome {
            clock.advance(seconds: seconds)
            return .all(.delivered)
        }
    }

    @Test("a round longer than its claim lease renews every row still to send, so each outcome is recorded once")
    func slowRoundKeepsItsClaims() async throws {
        let rig = try await DeliveryRig.start(
            .webhook, config: .object(["url": .string("https://hooks.example.com/x"), "authToken": .string("t")]))
        for id in ["P-1", "P-2", "P-3", "P-4", "P-5"] { try await rig.alert(id) }
        // The webhook type, built as a destination that takes 50 s a batch; one batch at a time; 120 s claims.
        let slow = DestinationKind(
            schema: DestinationRegistry.standard.schema(.webhook),
            make: { [clock = rig.clock] _, _ in SlowDestination(clock: clock, seconds: 50) })
        let engine = DeliveryEngine(
            store: rig.store, http: HTTPExchange(policy: .allowingLoopback),
            settings: DeliverySettings(concurrency: 1, claimLeaseSeconds: 120), clock: { [clock = rig.clock] in clock.now },
            registry: .standard.adding(slow))
        #expect(try await engine.deliverDue(rig.integration) == 5)
        let health = try await rig.store.integrationHealth(id: rig.integration.id)
        #expect(health.delivered == 5)
        #expect(health.queueDepth == 0)
    }
}
