import Delivery
import Dispatch
import Foundation
import HTTPServing
import PrismaSim
import RelayHTTP
import RelayModel
import RelayStore
import TestSupport

/// `deliver N`: N stored events through the outbox to a strict Splunk HEC receiver in this process; prints
/// mode, events, seconds, events/s, p50 and p99 from stored to acknowledged (ms), peak RSS (MB).
func deliverBench(events count: Int, directory: URL) async throws -> String {
    let store = try await StoreLocation.open(directory.appendingPathComponent("deliver.sqlite").path)
    let receiver = SplunkHECReceiver(token: "bench-token")
    let server = try await receiver.serve()
    defer { Task { await server.stop() } }
    try await store.addConnector(
        ConnectorConfig(name: "bench", apiURL: "https://api.prismacloud.io", accessKeyID: "k", secretKey: Secret("s")))
    let integration = Integration(
        id: "hec", name: "hec", type: .splunk,
        config: try DestinationRegistry.standard.schema(.splunk).validate(
            .object(["url": .string(server.url), "authToken": .string("bench-token")])),
        createdBy: "bench", createdTs: 0)
    try await store.addIntegration(integration)
    try await store.addRule(AlertRule(id: "all", name: "all", integrationIDs: ["hec"]))
    // Events are stored in pages of 1,000, as polls store them; each page's time is its events' "stored" time.
    var storedAt: [UInt64] = []
    let started = DispatchTime.now().uptimeNanoseconds
    let engine = DeliveryEngine(
        store: store, http: HTTPExchange(policy: .allowingLoopback), clock: { Int64(Date().timeIntervalSince1970 * 1000) })
    var next = 0
    while true {
        let waiting = try await store.integrationHealth(id: "hec").queueDepth
        guard next < count || waiting > 0 else { break }
        if next < count {
            let page = (next..<min(count, next + 1_000)).map { index in
                try! AlertNormalizer.normalize(
                    try! JSONValue.parse(
                        #"{"id":"P-\#(index)","status":"open","lastUpdated":\#(1_700_000_000_000 + index),"policy":{"name":"Bench policy","severity":"high","policyType":"config"},"resource":{"id":"r-\#(index)","cloudType":"aws","accountId":"111111111111"}}"#
                    ),
                    connector: "bench", observedAt: 0)
            }
            _ = try await store.commit(events: page, connector: "bench", cursor: nil)
            storedAt += Array(repeating: DispatchTime.now().uptimeNanoseconds, count: page.count)
            next += page.count
        }
        try await engine.deliverDue(integration, limit: 1_000)
    }
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
    let arrivals = await receiver.arrivals
    let indexed = await receiver.indexed
    var latencies: [Double] = []
    for (event, arrival) in zip(indexed, arrivals) {
        guard let id = event["native_id"]?.stringValue, let index = Int(id.dropFirst(2)), index < storedAt.count else { continue }
        latencies.append(Double(arrival - storedAt[index]) / 1e6)
    }
    latencies.sort()
    func percentile(_ p: Double) -> Double { latencies.isEmpty ? 0 : latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))] }
    return [
        "deliver", String(indexed.count), String(format: "%.2f", seconds), String(format: "%.0f", Double(indexed.count) / seconds),
        String(format: "%.0f", percentile(0.5)), String(format: "%.0f", percentile(0.99)), String(format: "%.0f", peakRSSMegabytes()),
    ].joined(separator: "\t")
}
