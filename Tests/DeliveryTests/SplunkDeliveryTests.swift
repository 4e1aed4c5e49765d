import Foundation
import HTTPServing
import PrismaSim
import RelayModel
import RelayStore
import TestSupport
import Testing

@testable import Delivery

@Suite("Splunk HEC delivery")
struct SplunkDeliveryTests {
    static let token = "11111111-2222-3333-4444-555555555555"

    /// A strict HEC receiver and a Splunk integration pointing at it with `token`.
    static func start(token: String = token) async throws -> (DeliveryRig, SplunkHECReceiver, HTTPServerHandle) {
        let receiver = SplunkHECReceiver(token: Self.token)
        let server = try await receiver.serve()
        let rig = try await DeliveryRig.start(.splunk, config: .object(["url": .string(server.url), "authToken": .string(token)]))
        return (rig, receiver, server)
    }

    /// Queues `count` alerts, P-1 … P-count.
    static func ingest(_ count: Int, into rig: DeliveryRig) async throws -> [String] {
        let ids = (1...count).map { "P-\($0)" }
        for id in ids { try await rig.alert(id, version: 1_669_196_436_771) }
        return ids
    }

    @Test("many events go in one request as concatenated JSON with the sourcetype and the alert's time")
    func batches() async throws {
        let (s, receiver, server) = try await Self.start()
        defer { Task { await server.stop() } }
        let ids = try await Self.ingest(250, into: s)
        #expect(try await s.engine.deliverDue(s.integration, limit: 500) == 250)
        #expect(await receiver.requests == 3)
        // Batches of different alerts go out in parallel, so they may arrive in any order.
        let indexed = await receiver.indexed.compactMap { $0["native_id"]?.stringValue }
        #expect(indexed.count == 250 && Set(indexed) == Set(ids))
        let first = try #require(await receiver.envelopes.first)
        #expect(first["sourcetype"] == .string("_json"))
        #expect(first["time"] == .number("1669196436.771"))
    }

    @Test("an event's time is written as HEC takes it: seconds with three decimals, zeros kept")
    func timeInSeconds() {
        #expect(
            [0, 5, 50, 999, 1_000, 1_669_196_436_771, 1_669_196_436_050, -1_500].map(SplunkHECDestination.seconds) == [
                "0.000", "0.005", "0.050", "0.999", "1.000", "1669196436.771", "1669196436.050", "-1.500",
            ])
    }

    @Test("batches are cut before they pass about 1 MB, so a collector's size limit never refuses them")
    func byteCap() async throws {
        let (s, receiver, server) = try await Self.start()
        defer { Task { await server.stop() } }
        let large = String(repeating: "x", count: 150_000)
        for id in 1...20 { try await s.alert("P-\(id)", description: large) }
        #expect(try await s.engine.deliverDue(s.integration) == 20)
        let sizes = await receiver.bodySizes
        #expect(sizes.count >= 4 && sizes.allSatisfy { $0 <= SplunkHECDestination.maxBatchBytes })
        #expect(await receiver.indexed.count == 20)
    }

    @Test("an event larger than a request the collector takes arrives cut to fit, marked, with its identity; the others arrive too")
    func oversizedEvent() async throws {
        let (s, receiver, server) = try await Self.start()
        defer { Task { await server.stop() } }
        try await s.alert("P-1")
        try await s.alert("P-2", description: String(repeating: "y", count: 1_100_000))
        try await s.alert("P-3")
        try await s.drain(rounds: 2)
        #expect(try await s.store.deadLetters(integrationID: "splunk").isEmpty)
        let indexed = await receiver.indexed
        #expect(Set(indexed.compactMap { $0["native_id"]?.stringValue }) == ["P-1", "P-2", "P-3"])
        let cut = try #require(indexed.first { $0["native_id"]?.stringValue == "P-2" })
        #expect(cut["truncated"] == .array([.string("description")]))
        #expect(cut["status"] == .string("open") && cut["connector"] == .string("prod") && cut["version"] == .string("1"))
        #expect((cut["description"]?.stringValue?.count ?? 0) <= 1_000)
        #expect(await receiver.bodySizes.allSatisfy { $0 <= SplunkHECDestination.maxBatchBytes })
    }

    @Test("a partial failure (code 6) dead-letters the bad event and re-sends only the rest")
    func partialFailure() async throws {
        let (s, receiver, server) = try await Self.start()
        defer { Task { await server.stop() } }
        let ids = try await Self.ingest(10, into: s)
        await receiver.refuse(nativeIDs: ["P-4"])
        try await s.engine.deliverDue(s.integration)
        #expect(await receiver.indexed.count == 3)
        let dead = try await s.store.deadLetters(integrationID: "splunk")
        #expect(dead.count == 1 && dead[0].reason.contains("HEC code 6"))
        s.clock.advance(seconds: 120)
        try await s.engine.deliverDue(s.integration)
        let indexed = await receiver.indexed.compactMap { $0["native_id"]?.stringValue }
        #expect(indexed == ids.filter { $0 != "P-4" })
        #expect(await receiver.requests == 2)
    }

    @Test("retries while the collector is busy (503, code 9), then delivers")
    func busy() async throws {
        let (s, receiver, server) = try await Self.start()
        defer { Task { await server.stop() } }
        _ = try await Self.ingest(5, into: s)
        await receiver.beBusy(2)
        for _ in 0..<3 {
            try await s.engine.deliverDue(s.integration)
            s.clock.advance(seconds: 120)
        }
        #expect(await receiver.indexed.count == 5)
        #expect(try await s.health.status == .green)
    }

    @Test("an invalid token (403, code 4) pauses the integration with a message naming authToken")
    func invalidToken() async throws {
        let (s, receiver, server) = try await Self.start(token: "00000000-0000-0000-0000-000000000000")
        defer { Task { await server.stop() } }
        _ = try await Self.ingest(3, into: s)
        try await s.engine.deliverDue(s.integration)
        let health = try await s.health
        #expect(health.status == .red && health.paused && health.statusCode == 403 && health.queueDepth == 3)
        #expect(health.message?.contains("check authToken") == true)
    }

    @Test("the request is exact: endpoint, Splunk authorization, concatenated body")
    func golden() throws {
        let event = try AlertNormalizer.normalize(
            try JSONValue.parse(#"{"id":"P-1","lastUpdated":1000,"policy":{}}"#), connector: "c", observedAt: 0)
        let destination = SplunkHECDestination(config: [
            "url": .string("https://splunk.example.com:8088/"), "authToken": .string("T"), "sourceType": .string("prisma"),
        ])
        let request = try destination.request(for: [event, event])
        #expect(request.url == "https://splunk.example.com:8088/services/collector/event")
        #expect(request.headers.map { "\($0.0): \($0.1)" } == ["Authorization: Splunk T", "Content-Type: application/json"])
        let one =
            #"{"time":1.000,"host":"prisma-relay","source":"prisma_cloud","sourcetype":"prisma","event":"# + event.jsonValue.jsonString()
            + "}"
        #expect(String(decoding: request.body, as: UTF8.self) == one + "\n" + one)
    }
}
