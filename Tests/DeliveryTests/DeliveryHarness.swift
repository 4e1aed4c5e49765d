import Delivery
import Foundation
import HTTPServing
import RelayModel
import RelayStore
import TestSupport

/// The delivery rig with its webhook integration (id `hook`) pointed at a strict receiver.
struct DeliveryHarness {
    let rig: DeliveryRig
    let receiver: WebhookReceiver
    let server: HTTPServerHandle

    var store: SQLiteStore { rig.store }
    var clock: ManualClock { rig.clock }
    var integration: Integration { rig.integration }
    var engine: DeliveryEngine { rig.engine }

    static func start(
        token: String = "hook-token", retry: RetryPolicy = RetryPolicy(),
        settings: DeliverySettings = DeliverySettings(maxAttempts: 4, concurrency: 1), extra: JSONObject = [:]
    ) async throws -> DeliveryHarness {
        let receiver = WebhookReceiver(token: "hook-token")
        let server = try await receiver.serve()
        var config: JSONObject = ["url": .string(server.url + "/hook"), "authToken": .string(token)]
        for member in extra { config[member.key] = member.value }
        // One request at a time by default, so scripted failures hit a known event.
        let rig = try await DeliveryRig.start(
            .webhook, config: .object(config), id: "hook",
            settings: settings, retry: retry)
        return DeliveryHarness(rig: rig, receiver: receiver, server: server)
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
