import Delivery
import Foundation
import PrismaSim
import RelayModel
import RelayStore
import Testing
import TestSupport

@Suite("Splunk HEC delivery")
struct SplunkDeliveryTests {
    struct Setup {
        let store: SQLiteStore
        let receiver: SplunkHECReceiver
        let server: HTTPServerHandle
        let clock: ManualClock
        let integration: Integration
        let engine: DeliveryEngine

        static func start(token: String = "11111111-2222-3333-4444-555555555555") async throws -> Setup {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("relay-splunk-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let clock = ManualClock(1_763_800_000_000)
            let store = try SQLiteStore(path: directory.appendingPathComponent("r.sqlite").path, clock: { clock.now })
            let receiver = SplunkHECReceiver(token: "11111111-2222-3333-4444-555555555555")
            let server = try await receiver.serve()
            try await store.addConnector(ConnectorConfig(name: "prod", apiURL: "https://api.prismacloud.io", accessKeyID: "k", secretKey: Secret("s")))
            let integration = Integration(
                id: "hec", name: "hec", type: .splunk,
                config: try IntegrationSchema.of(.splunk).validate(.object(["url": .string(server.url), "authToken": .string(token)])),
                createdBy: "test", createdTs: clock.now)
            try await store.addIntegration(integration)
            try await store.addRule(AlertRule(id: "all", name: "all", integrationIDs: ["hec"]))
            return Setup(
                store: store, receiver: receiver, server: server, clock: clock, integration: integration,
                engine: DeliveryEngine(store: store, retry: RetryPolicy(maxAttempts: 5), clock: { clock.now }))
        }

        func ingest(_ count: Int) async throws -> [String] {
            let ids = (1...count).map { "P-\($0)" }
            let events = try ids.map { id in
                try AlertNormalizer.normalize(
                    try JSONValue.parse(#"{"id":"\#(id)","status":"open","lastUpdated":1669196436771,"policy":{"name":"p","severity":"high"}}"#),
                    connector: "prod", observedAt: clock.now)
            }
            _ = try await store.commit(events: events, connector: "prod", cursor: nil)
            return ids
        }
    }

    @Test("many events go in one request as concatenated JSON with the sourcetype and the alert's time")
    func batches() async throws {
        let s = try await Setup.start()
        defer { Task { await s.server.stop() } }
        let ids = try await s.ingest(250)
        #expect(try await s.engine.deliverDue(s.integration, limit: 500) == 250)
        #expect(await s.receiver.requests == 3)
        #expect(await s.receiver.indexed.compactMap { $0["native_id"]?.stringValue } == ids)
        let first = try #require(await s.receiver.envelopes.first)
        #expect(first["sourcetype"] == .string("_json"))
        #expect(first["time"] == .number("1669196436.771"))
    }

    @Test("a partial failure (code 6) dead-letters the bad event and re-sends only the rest")
    func partialFailure() async throws {
        let s = try await Setup.start()
        defer { Task { await s.server.stop() } }
        let ids = try await s.ingest(10)
        await s.receiver.refuse(nativeIDs: ["P-4"])
        try await s.engine.deliverDue(s.integration)
        #expect(await s.receiver.indexed.count == 3)
        let dead = try await s.store.deadLetters(integrationID: "hec")
        #expect(dead.count == 1 && dead[0].reason.contains("HEC code 6"))
        s.clock.advance(seconds: 120)
        try await s.engine.deliverDue(s.integration)
        let indexed = await s.receiver.indexed.compactMap { $0["native_id"]?.stringValue }
        #expect(indexed == ids.filter { $0 != "P-4" })
        #expect(await s.receiver.requests == 2)
    }

    @Test("retries while the collector is busy (503, code 9), then delivers")
    func busy() async throws {
        let s = try await Setup.start()
        defer { Task { await s.server.stop() } }
        _ = try await s.ingest(5)
        await s.receiver.beBusy(2)
        for _ in 0..<3 {
            try await s.engine.deliverDue(s.integration)
            s.clock.advance(seconds: 120)
        }
        #expect(await s.receiver.indexed.count == 5)
        #expect(try await s.store.integrationHealth(id: "hec").status == .green)
    }

    @Test("an invalid token (403, code 4) pauses the integration with a message naming authToken")
    func invalidToken() async throws {
        let s = try await Setup.start(token: "00000000-0000-0000-0000-000000000000")
        defer { Task { await s.server.stop() } }
        _ = try await s.ingest(3)
        try await s.engine.deliverDue(s.integration)
        let health = try await s.store.integrationHealth(id: "hec")
        #expect(health.status == .red && health.paused && health.statusCode == 403 && health.queueDepth == 3)
        #expect(health.message?.contains("check authToken") == true)
    }

    @Test("the request is exact: endpoint, Splunk authorization, concatenated body")
    func golden() throws {
        let event = try AlertNormalizer.normalize(
            try JSONValue.parse(#"{"id":"P-1","lastUpdated":1000,"policy":{}}"#), connector: "c", observedAt: 0)
        let destination = SplunkHECDestination(config: ["url": .string("https://splunk.example.com:8088/"), "authToken": .string("T"), "sourceType": .string("prisma")])
        let request = try destination.request(for: [event, event])
        #expect(request.url == "https://splunk.example.com:8088/services/collector/event")
        #expect(request.headers.map { "\($0.0): \($0.1)" } == ["Authorization: Splunk T", "Content-Type: application/json"])
        let one = #"{"time":1.000,"host":"prisma-relay","source":"prisma_cloud","sourcetype":"prisma","event":"# + event.jsonValue.jsonString() + "}"
        #expect(String(decoding: request.body, as: UTF8.self) == one + "\n" + one)
    }
}
