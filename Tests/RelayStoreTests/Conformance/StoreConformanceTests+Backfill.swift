import Foundation
import RelayModel
import RelayStore
import Testing

/// Paging through stored events, and queuing a rule's catch-up on them.
extension StoreConformanceTests {
    @Test("events page by keyset, newest first, with ties in stored order, and the count of all that match", arguments: StoreUnderTest.all)
    func paging(_ kind: StoreUnderTest) async throws {
        let store = try await kind.open()
        try await store.addConnector(Self.connector)
        let versions: [(String, Int64)] = [("P-1", 10), ("P-2", 20), ("P-3", 20), ("P-4", 30), ("P-5", 40)]
        _ = try await store.commit(
            events: try versions.map { try Self.event($0.0, version: $0.1, severity: $0.0 == "P-2" ? "low" : "high") }, connector: "prod",
            cursor: nil)
        var query = EventQuery(limit: 2)
        var pages: [[String]] = []
        while true {
            let page = try await store.eventPage(query)
            pages.append(page.events.map(\.nativeID))
            guard let next = page.next else { break }
            // A cursor survives a round trip through a link.
            query.after = try #require(EventCursor(next.description))
        }
        #expect(pages == [["P-5", "P-4"], ["P-3", "P-2"], ["P-1"]])
        #expect(try await store.countEvents(EventQuery(limit: 1)) == 5)
        #expect(try await store.countEvents(EventQuery(severity: .high)) == 4)
        #expect(try await store.eventPage(EventQuery(updatedSince: 20)).events.map(\.nativeID) == ["P-5", "P-4", "P-3", "P-2"])
        #expect(try await store.countEvents(EventQuery(updatedSince: 30)) == 2)
        #expect(EventCursor("12.x") == nil && EventCursor("12") == nil)
    }

    @Test("events filter by delivery: delivered, pending, dead, to one integration, or sent nowhere", arguments: StoreUnderTest.all)
    func deliveryFilter(_ kind: StoreUnderTest) async throws {
        let store = try await Self.routed(kind)
        let events = [try Self.event("P-1"), try Self.event("P-2"), try Self.event("P-3"), try Self.event("P-4", status: "dismissed")]
        _ = try await store.commit(events: events, connector: "prod", cursor: nil)
        let claimed = try await store.claimDeliveries(integrationID: "hook", owner: "a", now: later, until: later + 60_000, limit: 10)
        let seqs = Dictionary(uniqueKeysWithValues: claimed.map { ($0.event.id, $0.seq) })
        #expect(claimed.count == 3)
        try await store.recordDeliveries(
            [
                .init(seq: try #require(seqs[events[0].id]), result: .delivered),
                .init(seq: try #require(seqs[events[1].id]), result: .dead(reason: "HTTP 400")),
            ], integrationID: "hook", owner: "a", at: later)
        func ids(_ filter: DeliveryFilter) async throws -> [String] {
            try await store.eventPage(EventQuery(delivery: filter)).events.map(\.nativeID).sorted()
        }
        #expect(try await ids(DeliveryFilter(state: .delivered)) == ["P-1"])
        #expect(try await ids(DeliveryFilter(state: .dead, integrationID: "hook")) == ["P-2"])
        #expect(try await ids(DeliveryFilter(state: .pending)) == ["P-3"])
        #expect(try await ids(DeliveryFilter(state: DeliveryFilter.State.none)) == ["P-4"])
        #expect(try await ids(DeliveryFilter(integrationID: "hook")) == ["P-1", "P-2", "P-3"])
        #expect(try await ids(DeliveryFilter(state: DeliveryFilter.State.none, integrationID: "other")) == ["P-1", "P-2", "P-3", "P-4"])
        #expect(try await store.countEvents(EventQuery(delivery: DeliveryFilter(state: .delivered, integrationID: "other"))) == 0)
        #expect(try await store.countEvents(EventQuery(severity: .high, delivery: DeliveryFilter(state: .pending))) == 1)
    }

    @Test(
        "a backfill queues each event once, oldest first, and leaves out alerts the integration already has; counting queues nothing",
        arguments: StoreUnderTest.all)
    func backfill(_ kind: StoreUnderTest) async throws {
        let store = try await Self.routed(kind)
        try await store.addIntegration(
            Integration(
                id: "late", name: "late", type: .webhook, config: ["url": .string("https://hooks.example.com/late")], createdBy: "t",
                createdTs: 0))
        let events = [try Self.event("P-1"), try Self.event("P-1", version: 2), try Self.event("P-2"), try Self.event("P-3")]
        _ = try await store.commit(events: events, connector: "prod", cursor: nil)
        // P-3 reached "late" already (say, through a rule that named it then): a backfill must not queue an older event
        // of it after that one.
        let p3 = events[3]
        _ = try await store.queueBackfill(
            [OutboxRow(eventID: p3.id, integrationID: "late", alertKey: AlertKey.of(p3), queuedAt: 1)], apply: true)
        let rows = events.map { OutboxRow(eventID: $0.id, integrationID: "late", alertKey: AlertKey.of($0), queuedAt: 5) }
        // "hook" has every one of them already.
        let again = events.map { OutboxRow(eventID: $0.id, integrationID: "hook", alertKey: AlertKey.of($0), queuedAt: 5) }

        #expect(try await store.queueBackfill(rows + again, apply: false) == 3)
        #expect(try await store.outbox(integrationID: "late").map(\.eventID) == [p3.id])
        #expect(try await store.queueBackfill(rows + again, apply: true) == 3)
        #expect(try await store.outbox(integrationID: "late").map(\.eventID) == [p3.id, events[0].id, events[1].id, events[2].id])
        #expect(try await store.queueBackfill(rows + again, apply: true) == 0)
        #expect(try await store.outbox(integrationID: "hook").count == 4)
        #expect(try await store.queueBackfill([], apply: true) == 0)
    }
}
