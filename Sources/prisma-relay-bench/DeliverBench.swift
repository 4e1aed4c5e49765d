import Delivery
import Dispatch
import Foundation
import HTTPServing
import PrismaSim
import RelayHTTP
import RelayModel
import RelayStore
import TestSupport

/// `deliver N`: N stored events — the simulator's alerts in their detailed form, about 1.7 KB each — queued before
/// the clock starts, then drained through the outbox to a strict Splunk HEC receiver in this process by the relay's
/// delivery loop (`DeliveryService`, as `serve` runs it); prints mode, events, seconds, events/s, "-", "-", peak RSS
/// (MB), CPU ms per 1,000 events, and the same less the receiver's share. `enriched N`: the same with Okta and Tenable
/// enrichment sources (the simulated organisation's, in this process) — each alert names one of its people, and
/// instance alerts one of its hosts. `steady N`: the loop running while the N events arrive steadily, 1,000 a second
/// (a page of 100 stored every 100 ms); prints the same with p50 and p99 from the commit that stored an event to its
/// arrival at the receiver (ms). Each first delivers 1,000 other events, so that connections, caches and (for
/// `enriched`) every answer are warm before the clock starts.
func deliverBench(events count: Int, directory: URL, mode: String) async throws -> String {
    let rig = try await DeliverRig.start(directory: directory, enriched: mode == "enriched")
    defer { rig.stop() }
    try await rig.warm()
    guard mode == "steady" else { return try await rig.drain(count, mode: mode).row }
    let loop = Task { [engine = rig.engine, store = rig.store] in try await DeliveryService(engine: engine, store: store).run() }
    defer { loop.cancel() }
    // Page i is stored at 100·i ms, whatever the pages before cost; each page's time is its events' "stored" time.
    var storedAt: [UInt64] = []
    let started = DispatchTime.now().uptimeNanoseconds
    let cpuAtStart = cpuSeconds()
    for (index, start) in stride(from: 0, to: count, by: 100).enumerated() {
        let due = started + UInt64(index) * 100_000_000
        let now = DispatchTime.now().uptimeNanoseconds
        if due > now { try await Task.sleep(for: .nanoseconds(Int(due - now))) }
        let events = rig.events(min(100, count - start))
        _ = try await rig.store.commit(events: events, connector: "bench", cursor: nil)
        storedAt += Array(repeating: DispatchTime.now().uptimeNanoseconds, count: events.count)
    }
    try await rig.arrived(count)
    let drain = await rig.measured(since: started, cpu: cpuAtStart, mode: mode)
    let arrivals = await rig.receiver.arrivals
    var latencies: [Double] = []
    for (id, arrival) in zip(await rig.receiver.nativeIDs, arrivals) {
        guard let id, let index = Int(id.dropFirst(2)), storedAt.indices.contains(index - rig.firstMeasured) else { continue }
        latencies.append(Double(arrival - storedAt[index - rig.firstMeasured]) / 1e6)
    }
    latencies.sort()
    func percentile(_ p: Double) -> String {
        latencies.isEmpty ? "-" : String(format: "%.0f", latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))])
    }
    return drain.row(p50: percentile(0.5), p99: percentile(0.99))
}

/// `enrichment-rounds R`: what enrichment costs delivery, measured in one process: two relays — one without and one
/// with the Okta and Tenable sources, each with its own store and receiver, warmed as `deliver` warms — drain 10,000
/// queued events each, R rounds, in the order deliver, enriched, enriched, deliver (so a drift of the machine's speed
/// within a round weighs on both alike). Prints one row per drain as `deliver` does. With `control`, the second relay
/// has no sources either (its rows still say `enriched`): what the method reads when the two are the same.
func enrichmentRounds(_ rounds: Int, control: Bool = false, directory: URL) async throws -> [String] {
    let plain = try await DeliverRig.start(directory: directory.appendingPathComponent("plain"), enriched: false)
    let enriched = try await DeliverRig.start(directory: directory.appendingPathComponent("enriched"), enriched: !control)
    defer {
        plain.stop()
        enriched.stop()
    }
    try await plain.warm()
    try await enriched.warm()
    var rows: [String] = []
    for _ in 0..<rounds {
        for (rig, mode) in [(plain, "deliver"), (enriched, "enriched"), (enriched, "enriched"), (plain, "deliver")] {
            rows.append(try await rig.drain(10_000, mode: mode).row)
        }
    }
    return rows
}

/// A relay's delivery side set up for a bench: a store with a Splunk HEC integration that every event is routed to,
/// its receiver in this process, and (when enriched) the Okta and Tenable sources; the bench's events numbered on
/// from one drain to the next, so that none is a duplicate of one before.
final class DeliverRig {
    let store: any RelayStore
    let receiver: SplunkHECReceiver
    let server: HTTPServerHandle
    let sources: EnrichmentSources?
    let engine: DeliveryEngine
    /// The number of the next event made, and of the first one the last measurement counted.
    private(set) var next = 0
    private(set) var firstMeasured = 0

    private init(
        store: any RelayStore, receiver: SplunkHECReceiver, server: HTTPServerHandle, sources: EnrichmentSources?, engine: DeliveryEngine
    ) {
        (self.store, self.receiver, self.server, self.sources, self.engine) = (store, receiver, server, sources, engine)
    }

    static func start(directory: URL, enriched: Bool) async throws -> DeliverRig {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let store = try await StoreLocation.open(directory.appendingPathComponent("deliver.sqlite").path)
        let receiver = SplunkHECReceiver(token: "bench-token", keepsEvents: false)
        let server = try await receiver.serve()
        let sources = enriched ? try await EnrichmentSources.start() : nil
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
        let engine = DeliveryEngine(
            store: store, http: HTTPExchange(policy: .allowingLoopback), clock: { Int64(Date().timeIntervalSince1970 * 1000) },
            environment: sources?.environment ?? [:])
        return DeliverRig(store: store, receiver: receiver, server: server, sources: sources, engine: engine)
    }

    /// The next `count` of the bench's events.
    func events(_ count: Int) -> [NormalizedEvent] {
        defer { next += count }
        return (next..<(next + count)).map(benchEvent)
    }

    /// What is measured is the steady cost: connections open, every person and host looked up once.
    func warm() async throws {
        let loop = Task { [engine, store] in try await DeliveryService(engine: engine, store: store).run() }
        defer { loop.cancel() }
        _ = try await store.commit(events: events(1_000), connector: "bench", cursor: nil)
        try await arrived(1_000)
        loop.cancel()
        _ = await loop.result
        await receiver.forget()
        firstMeasured = next
    }

    /// Waits for the receiver to hold `expected` events (counting the queue in the store instead would cost a pass
    /// over it each time); a queue that emptied short of them means some were refused, and the wait ends.
    func arrived(_ expected: Int) async throws {
        var polls = 0
        while await receiver.nativeIDs.count < expected {
            polls += 1
            if polls % 500 == 0, try await store.integrationHealth(id: "hec").queueDepth == 0 { break }
            try await Task.sleep(for: .milliseconds(2))
        }
    }

    /// `count` events stored (in pages of 1,000, as polls store them) before the clock starts, then the queue drained
    /// by a delivery loop started for it.
    func drain(_ count: Int, mode: String) async throws -> Drain {
        await receiver.forget()
        firstMeasured = next
        for start in stride(from: 0, to: count, by: 1_000) {
            _ = try await store.commit(events: events(min(1_000, count - start)), connector: "bench", cursor: nil)
        }
        let started = DispatchTime.now().uptimeNanoseconds
        let cpuAtStart = cpuSeconds()
        let draining = Task { [engine, store] in try await DeliveryService(engine: engine, store: store).run() }
        defer { draining.cancel() }
        try await arrived(count)
        let drain = await measured(since: started, cpu: cpuAtStart, mode: mode)
        draining.cancel()
        _ = await draining.result
        return drain
    }

    /// What arrived since `started` (uptime nanoseconds) and the CPU time used since `cpu` (a `cpuSeconds()` reading).
    func measured(since started: UInt64, cpu: Double, mode: String) async -> Drain {
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        let events = await receiver.nativeIDs.count
        return Drain(
            mode: mode, events: events, seconds: seconds, cpu: cpuPerThousand(since: cpu, events: events),
            relayCPU: cpuPerThousand(since: cpu + (await receiver.checkingCPUSeconds), events: events))
    }

    func stop() {
        Task { [server, sources] in
            await server.stop()
            await sources?.stop()
        }
    }
}

/// One measured drain, as a bench row prints it.
struct Drain {
    var mode: String
    var events: Int
    var seconds: Double
    var cpu: String
    var relayCPU: String

    var row: String { row(p50: "-", p99: "-") }

    func row(p50: String, p99: String) -> String {
        [
            mode, String(events), String(format: "%.2f", seconds), String(format: "%.0f", Double(events) / seconds), p50, p99,
            String(format: "%.0f", peakRSSMegabytes()), cpu, relayCPU,
        ].joined(separator: "\t")
    }
}

/// The simulator's alerts the bench's events are made from.
let benchAlerts = PrismaSimulator.sampleAlerts(1_000)

/// Alert `index` of the bench: one of the simulator's alerts, as alert `P-<index>`.
func benchAlert(_ index: Int) -> JSONObject {
    guard case .object(var alert) = benchAlerts[index % benchAlerts.count] else { fatalError("the simulator's alerts are objects") }
    alert["id"] = .string("P-\(index)")
    return alert
}

/// Event `index` of the bench: alert `index`, open (the bench's rule notifies on open alerts, as rules do unless told).
func benchEvent(_ index: Int) -> NormalizedEvent {
    var alert = benchAlert(index)
    alert["status"] = .string("open")
    return try! AlertNormalizer.normalize(.object(alert), connector: "bench", observedAt: 0)
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

/// `deliver-floor N`: what HTTP and the receiver cost alone — the same N events, their HEC requests (100 events each)
/// written before the clock starts, posted to the same receiver by a plain client with the engine's concurrency (4
/// requests in flight) and no store. Prints mode, events, seconds, events/s, "-", "-", peak RSS (MB), and CPU ms per 1,000
/// events as `deliver` does.
func deliverFloorBench(events count: Int) async throws -> String {
    let receiver = SplunkHECReceiver(token: "bench-token", keepsEvents: false)
    let server = try await receiver.serve()
    defer { Task { await server.stop() } }
    let destination = SplunkHECDestination(
        config: try DestinationRegistry.standard.schema(.splunk).validate(
            .object(["url": .string(server.url), "authToken": .string("bench-token")])))
    func requests(_ range: Range<Int>) throws -> [DestinationRequest] {
        try stride(from: range.lowerBound, to: range.upperBound, by: 100).map { start in
            try destination.request(for: (start..<min(range.upperBound, start + 100)).map(benchEvent))
        }
    }
    let http = HTTPExchange(policy: .allowingLoopback)
    func post(_ all: [DestinationRequest]) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            var next = 0
            func add() {
                guard next < all.count else { return }
                let request = all[next]
                next += 1
                group.addTask {
                    switch await http.send(request) {
                    case .success(let answer) where answer.status == 200: break
                    case .success(let answer): throw BenchFailure(text: "the receiver answered HTTP \(answer.status)")
                    case .failure(let failure): throw BenchFailure(text: "\(failure)")
                    }
                }
            }
            for _ in 0..<4 { add() }
            while try await group.next() != nil { add() }
        }
    }
    // Connections warm, as the deliver bench's are.
    try await post(try requests(count..<(count + 1_000)))
    await receiver.forget()
    let all = try requests(0..<count)
    let started = DispatchTime.now().uptimeNanoseconds
    let cpuAtStart = cpuSeconds()
    try await post(all)
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
    let received = await receiver.nativeIDs.count
    return [
        "floor", String(received), String(format: "%.2f", seconds), String(format: "%.0f", Double(received) / seconds), "-", "-",
        String(format: "%.0f", peakRSSMegabytes()), cpuPerThousand(since: cpuAtStart, events: received),
        cpuPerThousand(since: cpuAtStart + (await receiver.checkingCPUSeconds), events: received),
    ].joined(separator: "\t")
}

struct BenchFailure: Error, CustomStringConvertible {
    var text: String
    var description: String { text }
}
