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
/// mode, events, seconds, events/s, p50 and p99 from stored to acknowledged (ms), peak RSS (MB). `enriched N`: the
/// same with Okta and Tenable enrichment sources (receivers in this process) whose answers are cached before the
/// clock starts — each event names one of the simulated tenant's people and hosts.
func deliverBench(events count: Int, directory: URL, enriched: Bool = false) async throws -> String {
    let store = try await StoreLocation.open(directory.appendingPathComponent("deliver.sqlite").path)
    let receiver = SplunkHECReceiver(token: "bench-token")
    let server = try await receiver.serve()
    let sources = enriched ? try await EnrichmentSources.start() : nil
    defer {
        Task {
            await server.stop()
            await sources?.stop()
        }
    }
    try await store.addConnector(
        ConnectorConfig(name: "bench", apiURL: "https://api.prismacloud.io", accessKeyID: "k", secretKey: Secret("s")))
    let integration = Integration(
        id: "hec", name: "hec", type: .splunk,
        config: try DestinationRegistry.standard.schema(.splunk).validate(
            .object(["url": .string(server.url), "authToken": .string("bench-token")])),
        createdBy: "bench", createdTs: 0)
    try await store.addIntegration(integration)
    try await store.addRule(AlertRule(id: "all", name: "all", integrationIDs: ["hec"]))
    if let sources { for source in try sources.integrations() { try await store.addIntegration(source) } }
    // Events are stored in pages of 1,000, as polls store them; each page's time is its events' "stored" time.
    var storedAt: [UInt64] = []
    let engine = DeliveryEngine(
        store: store, http: HTTPExchange(policy: .allowingLoopback), clock: { Int64(Date().timeIntervalSince1970 * 1000) },
        environment: sources?.environment ?? [:])
    if sources != nil {
        // The cache is warmed with every person and host before the clock starts: what is measured is enrichment's
        // steady cost.
        _ = try await store.commit(events: (0..<SimDirectory.hostCount).map { benchEvent(count + $0) }, connector: "bench", cursor: nil)
        while try await store.integrationHealth(id: "hec").queueDepth > 0 { try await engine.deliverDue(integration, limit: 1_000) }
        await receiver.forget()
    }
    let started = DispatchTime.now().uptimeNanoseconds
    var next = 0
    while true {
        let waiting = try await store.integrationHealth(id: "hec").queueDepth
        guard next < count || waiting > 0 else { break }
        if next < count {
            let page = (next..<min(count, next + 1_000)).map(benchEvent)
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
        enriched ? "enriched" : "deliver", String(indexed.count), String(format: "%.2f", seconds),
        String(format: "%.0f", Double(indexed.count) / seconds),
        String(format: "%.0f", percentile(0.5)), String(format: "%.0f", percentile(0.99)), String(format: "%.0f", peakRSSMegabytes()),
    ].joined(separator: "\t")
}

/// Event `index` of the bench: an alert on one of the simulated tenant's hosts, created by one of its people.
func benchEvent(_ index: Int) -> NormalizedEvent {
    let person = SimDirectory.people[index % SimDirectory.people.count].login
    return try! AlertNormalizer.normalize(
        try! JSONValue.parse(
            #"{"id":"P-\#(index)","status":"open","lastUpdated":\#(1_700_000_000_000 + index),"policy":{"name":"Bench policy","severity":"high","policyType":"config"},"alertAttribution":{"resourceCreatedBy":"\#(person)"},"resource":{"id":"r-\#(index)","cloudType":"aws","accountId":"111111111111","data":{"privateIpAddress":"\#(SimDirectory.privateIP(index))"}}}"#
        ),
        connector: "bench", observedAt: 0)
}

/// Okta and Tenable test receivers that know the simulated tenant's people and hosts, and the integrations that use them.
struct EnrichmentSources {
    let okta: HTTPServerHandle
    let tenable: HTTPServerHandle

    static func start() async throws -> EnrichmentSources {
        let okta = SimOkta.knowingSimulatedTenant(token: "bench-okta")
        let tenable = SimTenable.knowingSimulatedTenant(accessKey: "bench-access", secretKey: "bench-secret")
        return EnrichmentSources(okta: try await okta.serve(), tenable: try await tenable.serve())
    }

    var environment: [String: String] { ["PRISMA_RELAY_OKTA_URL": okta.url, "PRISMA_RELAY_TENABLE_URL": tenable.url] }

    func integrations() throws -> [Integration] {
        [
            Integration(
                id: "okta", name: "okta", type: .okta,
                config: try DestinationRegistry.standard.schema(.okta).validate(
                    .object(["domain": .string("example.okta.com"), "apiToken": .string("bench-okta")])),
                createdBy: "bench", createdTs: 0),
            Integration(
                id: "tenable", name: "tenable", type: .tenable,
                config: try DestinationRegistry.standard.schema(.tenable).validate(
                    .object(["accessKey": .string("bench-access"), "secretKey": .string("bench-secret")])),
                createdBy: "bench", createdTs: 0),
        ]
    }

    func stop() async {
        await okta.stop()
        await tenable.stop()
    }
}
