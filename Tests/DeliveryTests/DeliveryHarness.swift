import Delivery
import Foundation
import HTTPServing
import PrismaSim
import RelayHTTP
import RelayModel
import RelayStore
import TestSupport

/// A store with one connector, a webhook integration pointed at a strict receiver, and a rule sending it every
/// event, driven by a hand-moved clock.
struct DeliveryHarness {
    let store: SQLiteStore
    let receiver: WebhookReceiver
    let server: HTTPServerHandle
    let clock: ManualClock
    let integration: Integration
    let engine: DeliveryEngine

    static func start(
        token: String = "hook-token", retry: RetryPolicy = RetryPolicy(),
        settings: DeliverySettings = DeliverySettings(maxAttempts: 4, concurrency: 1)
    ) async throws -> DeliveryHarness {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("relay-delivery-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let clock = ManualClock(1_763_800_000_000)
        let store = try SQLiteStore(path: directory.appendingPathComponent("r.sqlite").path, clock: { clock.now })
        let receiver = WebhookReceiver(token: "hook-token")
        let server = try await receiver.serve()
        try await store.addConnector(
            ConnectorConfig(name: "prod", apiURL: "https://api.prismacloud.io", accessKeyID: "k", secretKey: Secret("s")))
        let integration = Integration(
            id: "hook", name: "hook", type: .webhook,
            config: try DestinationRegistry.standard.schema(.webhook).validate(
                .object(["url": .string(server.url + "/hook"), "authToken": .string(token)])),
            createdBy: "test", createdTs: clock.now)
        try await store.addIntegration(integration)
        var all = AlertRule(id: "all", name: "all", notifyOnResolved: true, integrationIDs: ["hook"])
        all.notifyOnOpen = true
        try await store.addRule(all)
        // One request at a time by default, so scripted failures hit a known event.
        let engine = DeliveryEngine(
            store: store, http: HTTPExchange(policy: .allowingLoopback), retry: retry, settings: settings, clock: { clock.now })
        return DeliveryHarness(store: store, receiver: receiver, server: server, clock: clock, integration: integration, engine: engine)
    }

    /// Stores alerts as a poll would, which queues them for the webhook.
    func ingest(_ alerts: [(id: String, version: Int64, status: String)]) async throws {
        let events = try alerts.map { alert in
            try AlertNormalizer.normalize(
                try JSONValue.parse(
                    #"{"id":"\#(alert.id)","status":"\#(alert.status)","lastUpdated":\#(alert.version),"policy":{"name":"p","severity":"high"}}"#
                ),
                connector: "prod", observedAt: clock.now)
        }
        _ = try await store.commit(events: events, connector: "prod", cursor: nil)
    }

    func stop() async { await server.stop() }
}
