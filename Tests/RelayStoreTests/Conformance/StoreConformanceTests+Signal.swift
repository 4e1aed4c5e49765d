import RelayModel
import RelayStore
import Testing

/// The store's `queued` signal, which starts the delivery loop of its process at once.
extension StoreConformanceTests {
    /// Whether `signal` rang since its last wait: a kept ring ends the wait at once, none lets it run to its limit.
    static func rang(_ signal: WorkSignal) async -> Bool {
        let start = ContinuousClock.now
        await signal.wait(atMost: .seconds(2))
        return start.duration(to: .now) < .seconds(2)
    }

    @Test(
        "the queued signal rings when a commit routes events, a backfill queues rows or dead letters go back, and not when nothing was queued",
        arguments: StoreUnderTest.all)
    func queuedSignal(_ kind: StoreUnderTest) async throws {
        let store = try await Self.routed(kind)
        let event = try Self.event("P-1")
        _ = try await store.commit(events: [event], connector: "prod", cursor: nil)
        #expect(await Self.rang(store.queued))
        // The same event again is absorbed: nothing queued, no ring.
        _ = try await store.commit(events: [event], connector: "prod", cursor: nil)
        #expect(await Self.rang(store.queued) == false)

        let claimed = try await store.claimDeliveries(integrationID: "hook", owner: "a", now: later, until: later + 60_000, limit: 10)
        let seq = try #require(claimed.first?.seq)
        _ = try await store.recordDeliveries(
            [.init(seq: seq, result: .dead(reason: "HTTP 400"))], integrationID: "hook", owner: "a", at: later)
        #expect(try await store.retryDeadLetters(integrationID: "hook", seq: nil) == 1)
        #expect(await Self.rang(store.queued))

        try await store.addIntegration(
            Integration(
                id: "late", name: "late", type: .webhook, config: ["url": .string("https://hooks.example.com/late")], createdBy: "t",
                createdTs: 0))
        let row = OutboxRow(eventID: event.id, integrationID: "late", alertKey: AlertKey.of(event), queuedAt: later)
        #expect(try await store.queueBackfill([row], apply: false) == 1)
        #expect(await Self.rang(store.queued) == false)
        #expect(try await store.queueBackfill([row], apply: true) == 1)
        #expect(await Self.rang(store.queued))
    }
}
