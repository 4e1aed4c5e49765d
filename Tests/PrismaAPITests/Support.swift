import Foundation
import HTTPServing
import PrismaAPI
import PrismaSim
import RelayHTTP
import RelayModel

/// Records the waits a client asks for instead of sleeping, so backoff is checked without slowing tests.
actor SleepRecorder {
    private(set) var waits: [Duration] = []
    func record(_ wait: Duration) { waits.append(wait) }
    nonisolated var sleep: @Sendable (Duration) async throws -> Void { { wait in await self.record(wait) } }
}

/// A served simulator and a client logged in as its main access key.
struct Harness {
    let simulator: PrismaSimulator
    let server: HTTPServerHandle
    let recorder = SleepRecorder()

    static func start(
        alerts: Int = 0, faults: SimFaults = SimFaults(), configuration: PrismaSimulator.Configuration = .init(rateLimitPerSecond: nil)
    ) async throws -> Harness {
        let simulator = PrismaSimulator(configuration: configuration)
        await simulator.addRecentAlerts(alerts)
        await simulator.setFaults(faults)
        return Harness(simulator: simulator, server: try await simulator.serve())
    }

    func client(secret: String? = nil, keyID: String? = nil, url: String? = nil, retry: RetryPolicy = RetryPolicy()) -> CSPMClient {
        CSPMClient(
            credentials: .init(
                apiURL: url ?? server.url, accessKeyID: keyID ?? simulator.user.accessKeyID,
                secretKey: Secret(secret ?? simulator.user.secretKey)),
            environment: ClientEnvironment(http: HTTPExchange(policy: .allowingLoopback), retry: retry, sleep: recorder.sleep))
    }

    func stop() async { await server.stop() }
}

/// Every alert id a query's pages return.
func collectIDs(_ client: CSPMClient, _ query: AlertQuery, path: String = "/v2/alert") async throws -> (ids: [String], pages: Int) {
    var ids: [String] = []
    var pages = 0
    for try await page in client.alertPages(query, path: path) {
        pages += 1
        ids += page.items.compactMap { $0["id"]?.stringValue }
    }
    return (ids, pages)
}

let everything = AlertQuery(timeRange: .toNow("epoch"), limit: 50, detailed: true)
