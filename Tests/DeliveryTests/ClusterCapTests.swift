import Delivery
import Foundation
import HTTPServing
import RelayHTTP
import RelayModel
import RelayStore
import TestSupport
import Testing

@Suite("Cluster-wide cap on requests in flight")
struct ClusterCapTests {
    /// Three engines — three replicas — on one PostgreSQL store, each sending up to four requests at once to a
    /// webhook that answers after 100 ms, until the queue is empty. Returns the receiver's peak in flight.
    static func deliverWithThreeReplicas(maxInFlight: Int?) async throws -> (peak: Int, received: Set<String>) {
        let store = try await TestPostgres.freshStore()
        let receiver = WebhookReceiver(token: "cap-token")
        await receiver.setLatency(.milliseconds(100))
        let hook = try await receiver.serve()
        defer { Task { await hook.stop() } }
        var config: JSONObject = ["url": .string(hook.url + "/hook"), "authToken": .string("cap-token")]
        if let maxInFlight { config["maxInFlight"] = .int(Int64(maxInFlight)) }
        let integration = Integration(
            id: "hook", name: "hook", type: .webhook, config: try DestinationRegistry.standard.schema(.webhook).validate(.object(config)),
            createdBy: "test", createdTs: 0)
        try await store.addConnector(
            ConnectorConfig(name: "prod", apiURL: "https://api.prismacloud.io", accessKeyID: "k", secretKey: Secret("s")))
        try await store.addIntegration(integration)
        try await store.addRule(AlertRule(id: "all", name: "all", integrationIDs: ["hook"]))
        let events = try (1...60).map { index in
            try AlertNormalizer.normalize(
                try JSONValue.parse(#"{"id":"P-\#(index)","status":"open","lastUpdated":1,"policy":{"name":"p","severity":"high"}}"#),
                connector: "prod", observedAt: 0)
        }
        _ = try await store.commit(events: events, connector: "prod", cursor: nil)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for replica in 0..<3 {
                let engine = DeliveryEngine(
                    store: store, http: HTTPExchange(policy: .allowingLoopback), settings: DeliverySettings(concurrency: 4),
                    clock: { Int64(Date().timeIntervalSince1970 * 1000) }, workerID: "replica-\(replica)")
                group.addTask {
                    while try await store.integrationHealth(id: "hook").queueDepth > 0 {
                        if try await engine.deliverDue(integration, limit: 8) == 0 { try await Task.sleep(for: .milliseconds(20)) }
                    }
                }
            }
            try await group.waitForAll()
        }
        let received = Set(await receiver.received.compactMap { $0.body["native_id"]?.stringValue })
        return (await receiver.peakInFlight, received)
    }

    @Test("with maxInFlight set, three replicas together never have more requests in flight than the cap, and deliver everything")
    func capHoldsAcrossReplicas() async throws {
        let everything = Set((1...60).map { "P-\($0)" })
        // Without a cap each replica sends up to four at once: the receiver sees more than three together.
        let free = try await Self.deliverWithThreeReplicas(maxInFlight: nil)
        #expect(free.received == everything)
        #expect(free.peak > 3, "peak \(free.peak)")
        let capped = try await Self.deliverWithThreeReplicas(maxInFlight: 3)
        #expect(capped.received == everything)
        #expect(capped.peak <= 3, "peak \(capped.peak)")
        #expect(capped.peak >= 2, "peak \(capped.peak): the cap is a ceiling, not a single lane")
    }

    @Test("one replica has as many requests in flight as its delivery concurrency, past the HTTP client's default of 8 per host")
    func concurrencyAboveEightConnections() async throws {
        let harness = try await DeliveryHarness.start(settings: DeliverySettings(concurrency: 12))
        defer { Task { await harness.stop() } }
        await harness.receiver.setLatency(.milliseconds(300))
        try await harness.ingest((1...24).map { (id: "P-\($0)", version: 1, status: "open") })
        try await harness.engine.deliverDue(harness.integration)
        #expect(await harness.receiver.received.count == 24)
        #expect(await harness.receiver.peakInFlight == 12)
    }
}
