import Foundation
import RelayStore
import Testing

@testable import RelayModel

/// How claimed events are read back.
extension StoreConformanceTests {
    @Test(
        "an event claimed for enrichment has what it names read as it is read back, the rest of its raw event left unread",
        arguments: StoreUnderTest.all)
    func claimReadingSubjectFields(_ kind: StoreUnderTest) async throws {
        let store = try await Self.routed(kind)
        let events = try ["P-1", "P-2"].map { alert in
            try AlertNormalizer.normalize(
                try JSONValue.parse(
                    #"{"id":"\#(alert)","status":"open","policy":{"name":"p","severity":"high"},"resource":{"id":"i-0abc123def4567890","data":{"owner":"Ann@example.com","big":"\#(String(repeating: "z", count: 300))"}}}"#
                ),
                connector: "prod", observedAt: 0)
        }
        _ = try await store.commit(events: events, connector: "prod", cursor: nil)
        let enriching = try #require(
            try await store.claimDeliveries(
                integrationID: "hook", owner: "a", now: later, until: later + 10_000, limit: 1, readingSubjectFields: true
            ).first)
        let plain = try #require(
            try await store.claimDeliveries(integrationID: "hook", owner: "a", now: later, until: later + 10_000, limit: 1).first)
        #expect(
            enriching.event.rawEvent.preselected?.jsonString()
                == #"{"resource":{"id":"i-0abc123def4567890","data":{"owner":"Ann@example.com"}}}"#)
        #expect(enriching.event.rawEvent.objectValue?.kept?.isParsed == false)
        #expect(plain.event.rawEvent.preselected == nil)
        #expect(enriching.event.rawSubjectFields == enriching.event.rawEvent.preselected)
        #expect(plain.event.rawSubjectFields == enriching.event.rawSubjectFields)
        #expect([enriching.event, plain.event] == events)
    }

    @Test(
        "one enrichment recorded in batch after batch is stored once and read back with every event sent with it, also reopened",
        arguments: StoreUnderTest.all)
    func enrichmentSharedAcrossBatches(_ kind: StoreUnderTest) async throws {
        let store = try await Self.routed(kind)
        let events = try (1...3).map { try Self.event("P-\($0)") }
        _ = try await store.commit(events: events, connector: "prod", cursor: nil)
        let shared: JSONObject = ["tenable": .object(["assets": .array([.object(["id": .string("a-1")])])])]
        let kept = KeptEnrichment(json: JSONValue.object(shared).jsonString(), digest: "digest-shared")
        // Two batches on one store (the second finds the enrichment stored), the third after reopening it.
        var current = store
        for round in 0..<3 {
            if round == 2 { current = try await kind.reopen(store) }
            let seq = try #require(
                try await current.claimDeliveries(integrationID: "hook", owner: "a", now: later, until: later + 10_000, limit: 1)
                    .first?.seq)
            #expect(
                try await current.recordDeliveries(
                    [.init(seq: seq, result: .delivered, enrichment: kept)], integrationID: "hook", owner: "a", at: later) == 1)
        }
        for event in events { #expect(try await current.event(id: event.id)?.enrichment == shared) }
    }
}
