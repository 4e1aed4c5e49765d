import Foundation
import HTTPServing
import Logging
import NIOSSL
import PrismaSim
import Relay
import RelayModel
import RelayStore
import TestSupport

/// A simulated tenant on loopback and a relay on a fresh SQLite database, sharing one hand-moved clock.
struct Rig {
    let simulator: PrismaSimulator
    let server: HTTPServerHandle
    let app: RelayApp
    let clock: ManualClock

    static func start(
        faults: SimFaults = SimFaults(), computeIssuesTokens: Bool = true, store: ((SQLiteStore) -> any RelayStore)? = nil,
        network: NetworkSettings = .none, tls: TLSConfiguration? = nil
    ) async throws -> Rig {
        let clock = ManualClock(1_763_800_000_000)
        let simulator = PrismaSimulator(
            configuration: .init(
                seed: 3, rateLimitPerSecond: nil, clock: { clock.now }, computeIssuesTokens: computeIssuesTokens))
        await simulator.setFaults(faults)
        let server = try await simulator.serve(tls: tls)
        let directory = try ScratchDirectory.untilExit(prefix: "relay")
        let sqlite = try SQLiteStore(path: directory.appendingPathComponent("relay.sqlite").path)
        let app = RelayApp(
            store: store?(sqlite) ?? sqlite, clock: { clock.now }, sleep: { _ in }, outbound: .allowingLoopback, network: network,
            logger: .init(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        return Rig(simulator: simulator, server: server, app: app, clock: clock)
    }

    func config(name: String = "prod", statuses: [String] = ["all"], pageSize: Int = 200, secret: String? = nil, keyID: String? = nil)
        -> ConnectorConfig
    {
        ConnectorConfig(
            name: name, apiURL: server.url, accessKeyID: keyID ?? simulator.user.accessKeyID,
            secretKey: Secret(secret ?? simulator.user.secretKey), statuses: statuses, pageSize: pageSize)
    }

    /// A Compute connector on the simulator's console path (with its tenant id).
    func computeConfig(name: String = "compute", url: String? = nil, secret: String? = nil) -> ConnectorConfig {
        ConnectorConfig(
            name: name, type: .compute, apiURL: url ?? server.url + "/" + (simulator.computeTenant ?? ""),
            accessKeyID: simulator.user.accessKeyID, secretKey: Secret(secret ?? simulator.user.secretKey))
    }

    /// Native ids of the stored events of `connector`, one per stored row.
    func storedIDs(_ connector: String = "prod") async throws -> [String] {
        try await app.store.events(EventQuery(connector: connector, limit: 1_000_000)).map(\.nativeID)
    }

    func stop() async { await server.stop() }
}

extension IntegrationService.Draft {
    /// A webhook integration on a test receiver (`WebhookReceiver(token: "tok")`), with more config keys when given.
    static func webhook(_ name: String, url: String, extra: JSONObject = [:]) -> IntegrationService.Draft {
        var config: JSONObject = ["url": .string(url), "authToken": .string("tok")]
        for member in extra { config[member.key] = member.value }
        return .init(json: .object(["name": .string(name), "integrationType": .string("webhook"), "integrationConfig": .object(config)]))
    }
}
