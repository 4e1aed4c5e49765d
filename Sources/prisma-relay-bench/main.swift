// Measures the ingest path against a running simulator and prints one tab-separated row:
// mode, alerts, seconds, alerts/s, MB/s of alert JSON, peak RSS in MB. scripts/bench drives it.
import Foundation
import PrismaAPI
import Relay
import RelayModel
import RelayStore

let arguments = CommandLine.arguments
if arguments.count >= 2, arguments[1] == "deliver-floor" {
    print(try await deliverFloorBench(events: arguments.count > 2 ? Int(arguments[2]) ?? 100_000 : 100_000))
    exit(0)
}
/// A new directory for the bench's store.
func newBenchDirectory() throws -> URL {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("prisma-relay-bench-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    return directory
}

/// Runs `body` with a new directory for the bench's store, removed afterwards (`exit` would skip a `defer`).
func inBenchDirectory<T>(_ body: (URL) async throws -> T) async throws -> T {
    let directory = try newBenchDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    return try await body(directory)
}
if arguments.count >= 2, ["deliver", "enriched", "steady"].contains(arguments[1]) {
    let count = arguments.count > 2 ? Int(arguments[2]) ?? 100_000 : 100_000
    print(try await inBenchDirectory { try await deliverBench(events: count, directory: $0, mode: arguments[1]) })
    exit(0)
}
if arguments.count >= 2, arguments[1] == "queries" {
    let count = arguments.count > 2 ? Int(arguments[2]) ?? 1_000_000 : 1_000_000
    for row in try await inBenchDirectory({ try await queriesBench(events: count, directory: $0) }) { print(row) }
    exit(0)
}
if arguments.count >= 2, arguments[1] == "read-back" {
    for row in try readBackBench(events: arguments.count > 2 ? Int(arguments[2]) ?? 10_000 : 10_000) { print(row) }
    exit(0)
}
if arguments.count >= 2, arguments[1] == "enrichment-rounds" {
    let rounds = arguments.count > 2 ? Int(arguments[2]) ?? 9 : 9
    let control = arguments.count > 3 && arguments[3] == "control"
    for row in try await inBenchDirectory({ try await enrichmentRounds(rounds, control: control, directory: $0) }) { print(row) }
    exit(0)
}
if arguments.count >= 3, arguments[1] == "replicas", let replicas = Int(arguments[2]) {
    let cap = arguments.count > 3 ? Int(arguments[3]) : nil
    let count = Int(ProcessInfo.processInfo.environment["PRISMA_RELAY_BENCH_EVENTS"] ?? "") ?? 3_000
    print(try await replicasBench(replicas: replicas, cap: cap == 0 ? nil : cap, events: count))
    exit(0)
}
guard arguments.count >= 4, ["floor", "ingest", "postgres", "audit-floor", "audit"].contains(arguments[1]),
    let secret = ProcessInfo.processInfo.environment["PRISMA_RELAY_SECRET"]
else {
    FileHandle.standardError.write(
        Data(
            """
            usage: PRISMA_RELAY_SECRET=… prisma-relay-bench floor|ingest|postgres|audit-floor|audit URL KEY_ID [PAGE_SIZE]
                   prisma-relay-bench deliver|enriched|steady|deliver-floor [N]
                   prisma-relay-bench enrichment-rounds [ROUNDS [control]]
                   prisma-relay-bench read-back [N]
                   PRISMA_RELAY_TEST_POSTGRES_URL=… prisma-relay-bench replicas N [CAP]

            """.utf8))
    exit(2)
}
let (mode, url, keyID) = (arguments[1], arguments[2], arguments[3])
let pageSize = arguments.count > 4 ? Int(arguments[4]) ?? 1000 : 1000

/// CPU time this process has used so far (user and system), in seconds: steadier than the wall clock on a shared
/// machine, where other work takes turns on the cores.
func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

/// CPU milliseconds per 1,000 events since `start` (a `cpuSeconds()` reading).
func cpuPerThousand(since start: Double, events: Int) -> String {
    events == 0 ? "-" : String(format: "%.0f", (cpuSeconds() - start) * 1e6 / Double(events))
}

/// Peak resident set size of this process, in MB (VmHWM).
func peakRSSMegabytes() -> Double {
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    let line = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") } ?? ""
    let kilobytes = Double(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
    return kilobytes / 1024
}

let directory = try newBenchDirectory()
defer { try? FileManager.default.removeItem(at: directory) }
// The simulator measured against runs on this machine. `postgres` ingests into the PostgreSQL database that
// PRISMA_RELAY_BENCH_DATABASE names instead of a SQLite file.
let database =
    mode == "postgres"
    ? ProcessInfo.processInfo.environment["PRISMA_RELAY_BENCH_DATABASE"] ?? ""
    : directory.appendingPathComponent("bench.sqlite").path
// A simulator serving HTTPS is trusted through PRISMA_RELAY_CA_FILE, as `serve` trusts a private CA.
let network = NetworkSettings(caFile: ProcessInfo.processInfo.environment[NetworkSettings.caFileKey])
var app = try await RelayApp.open(database: database, outbound: .allowingLoopback, network: network)
// The simulator measured against has no rate limit: the relay's own speed is measured, not Prisma's budget.
app.sharesPrismaRate = false
var config = try ConnectorConfig(
    name: "bench", apiURL: url, accessKeyID: keyID, secretKey: Secret(secret), statuses: ["all"],
    lookbackSeconds: 7 * 86_400, pageSize: pageSize
).validated()
// `audit` polls a connector that collects its tenant's audit log (the simulator serves no alerts).
config.includeAuditLogs = mode == "audit"

let started = ContinuousClock.now
var alerts = 0
var bytes = 0
if mode == "audit-floor" {
    // The audit log's pages, parsed to find the next token, then discarded.
    let client = CSPMClient(
        credentials: .init(apiURL: url, accessKeyID: keyID, secretKey: Secret(secret)), environment: ClientEnvironment(http: app.http))
    try await client.login()
    for try await page in client.auditLogPages(window: Poller.window(cursor: nil, now: app.clock(), config: config)) {
        alerts += page.items.count
        bytes += page.byteCount
    }
} else if mode == "floor" {
    // The same login and pages, parsed to find the next token, then discarded: no normalizing, no storing.
    let client = CSPMClient(
        credentials: .init(apiURL: url, accessKeyID: keyID, secretKey: Secret(secret)), environment: ClientEnvironment(http: app.http))
    try await client.login()
    let window = Poller.window(cursor: nil, now: app.clock(), config: config)
    for try await page in client.alertPages(CSPMSource.query(window: window, config: config), path: config.alertPath) {
        alerts += page.items.count
        bytes += page.byteCount
    }
} else {
    try await app.connectors.add(config)
    let report = try await app.connectors.poll("bench")
    if let error = report.error {
        FileHandle.standardError.write(Data("poll failed: \(error)\n".utf8))
        try? FileManager.default.removeItem(at: directory)
        exit(1)
    }
    alerts = report.added
    bytes = report.bytes
}
let elapsed = started.duration(to: .now)
let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
print(
    [
        mode, String(alerts), String(format: "%.2f", seconds), String(format: "%.0f", Double(alerts) / seconds),
        String(format: "%.1f", Double(bytes) / 1_048_576 / seconds), String(format: "%.0f", peakRSSMegabytes()),
    ].joined(separator: "\t"))
