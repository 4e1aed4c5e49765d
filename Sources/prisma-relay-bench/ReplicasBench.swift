import Delivery
import Dispatch
import Foundation
import HTTPServing
import RelayHTTP
import RelayModel
import RelayStore
import TestSupport

/// `replicas N [CAP]`: events stored in a fresh PostgreSQL database (on the server `PRISMA_RELAY_TEST_POSTGRES_URL`
/// names), then delivered by N replicas at once — N delivery engines, each with its own connection pool and worker
/// id, claiming from the one outbox as `serve` processes do — to a webhook that answers after 200 ms, as a remote,
/// busy SIEM does; with CAP, the integration sets `maxInFlight`. Prints mode, events, seconds, events/s and the most
/// requests the receiver ever had in flight at once.
func replicasBench(replicas: Int, cap: Int?, events count: Int) async throws -> String {
    let url = try await TestPostgres.freshDatabaseURL()
    let receiver = WebhookReceiver(token: "bench-token")
    await receiver.setLatency(.milliseconds(200))
    let server = try await receiver.serve()
    defer { Task { await server.stop() } }
    var stores: [PostgresStore] = []
    for _ in 0..<replicas {
        stores.append(try await PostgresStore.open(try PostgresSettings.parse(url), box: try TestPostgres.masterKey))
    }
    let store = stores[0]
    try await store.addConnector(
        ConnectorConfig(name: "bench", apiURL: "https://api.prismacloud.io", accessKeyID: "k", secretKey: Secret("s")))
    var config: JSONObject = ["url": .string(server.url + "/hook"), "authToken": .string("bench-token"), "batchSize": .int(10)]
    if let cap { config["maxInFlight"] = .int(Int64(cap)) }
    let integration = Integration(
        id: "hook", name: "hook", type: .webhook, config: try DestinationRegistry.standard.schema(.webhook).validate(.object(config)),
        createdBy: "bench", createdTs: 0)
    try await store.addIntegration(integration)
    try await store.addRule(AlertRule(id: "all", name: "all", integrationIDs: ["hook"]))
    for start in stride(from: 0, to: count, by: 1_000) {
        let page = try (start..<min(count, start + 1_000)).map { index in
            try AlertNormalizer.normalize(
                try JSONValue.parse(
                    #"{"id":"P-\#(index)","status":"open","lastUpdated":1700000000000,"policy":{"name":"Bench policy","severity":"high"}}"#),
                connector: "bench", observedAt: 0)
        }
        _ = try await store.commit(events: page, connector: "bench", cursor: nil)
    }
    let started = DispatchTime.now().uptimeNanoseconds
    try await withThrowingTaskGroup(of: Void.self) { group in
        for (index, replica) in stores.enumerated() {
            let engine = DeliveryEngine(
                store: replica, http: HTTPExchange(policy: .allowingLoopback), clock: { Int64(Date().timeIntervalSince1970 * 1000) },
                workerID: "bench-replica-\(index)")
            group.addTask {
                // As DeliveryService does: straight on while there is work, a short pause when another holds it all.
                while try await replica.integrationHealth(id: "hook").queueDepth > 0 {
                    if try await engine.deliverDue(integration) == 0 { try await Task.sleep(for: .milliseconds(50)) }
                }
            }
        }
        try await group.waitForAll()
    }
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
    for replica in stores { replica.close() }
    let delivered = await receiver.received.reduce(0) { $0 + ($1.body.arrayValue?.count ?? 1) }
    return [
        "\(replicas) replica\(replicas == 1 ? "" : "s")" + (cap.map { ", cap \($0)" } ?? ""), String(delivered),
        String(format: "%.2f", seconds), String(format: "%.0f", Double(delivered) / seconds), String(await receiver.peakInFlight),
    ].joined(separator: "\t")
}
