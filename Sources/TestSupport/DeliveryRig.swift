import Delivery
import Foundation
import NIOCore
import RelayHTTP
import RelayModel
import RelayStore

/// A store with a connector, one integration of any type, a rule sending it every open (and resolved) event,
/// and an engine on a hand-moved clock.
public struct DeliveryRig: Sendable {
    public let store: SQLiteStore
    public let clock: ManualClock
    public let integration: Integration
    public let engine: DeliveryEngine
    /// Where the rig's database lives, for as long as the rig does.
    let scratch: ScratchDirectory

    public static func start(
        _ type: IntegrationType, config: JSONValue, id: String? = nil, maxAttempts: Int = 5, settings: DeliverySettings? = nil,
        retry: RetryPolicy = .delivery, environment: [String: String] = [:], startingAt start: Int64 = 1_763_800_000_000,
        timeoutSeconds: Int64 = 60
    ) async throws -> DeliveryRig {
        let scratch = try ScratchDirectory(prefix: "relay-rig")
        let clock = ManualClock(start)
        let store = try SQLiteStore(path: scratch.path("r.sqlite"), clock: { clock.now })
        try await store.addConnector(
            ConnectorConfig(name: "prod", apiURL: "https://api.prismacloud.io", accessKeyID: "k", secretKey: Secret("s")))
        let integration = Integration(
            id: id ?? type.rawValue, name: id ?? type.rawValue, type: type,
            config: try DestinationRegistry.standard.schema(type).validate(config),
            createdBy: "test", createdTs: clock.now)
        try await store.addIntegration(integration)
        try await store.addRule(
            AlertRule(id: "all", name: "all", notifyOnResolved: true, notifyOnDismissed: true, integrationIDs: [integration.id]))
        let engine = DeliveryEngine(
            store: store, http: HTTPExchange(policy: .allowingLoopback, timeout: .seconds(timeoutSeconds)), retry: retry,
            settings: settings ?? DeliverySettings(maxAttempts: maxAttempts),
            clock: { clock.now }, environment: environment)
        return DeliveryRig(store: store, clock: clock, integration: integration, engine: engine, scratch: scratch)
    }

    /// Stores an alert as a poll would, which queues it.
    public func alert(
        _ id: String, status: String = "open", version: Int64 = 1, description: String = "Anyone can read it.", connector: String = "prod",
        resourceDataBytes: Int = 0
    ) async throws {
        // `resourceDataBytes` gives the resource a raw configuration that large, as Prisma sends for big resources.
        let data = resourceDataBytes > 0 ? #","data":{"policy":"\#(String(repeating: "p", count: resourceDataBytes))"}"# : ""
        let event = try AlertNormalizer.normalize(
            try JSONValue.parse(
                #"{"id":"\#(id)","status":"\#(status)","lastUpdated":\#(version),"policy":{"name":"S3 bucket is public","severity":"critical","description":"\#(description)"},"resource":{"id":"b-1","name":"logs","cloudType":"aws","accountId":"111","url":"https://console.example.com/b-1"\#(data)}}"#
            ),
            connector: connector, observedAt: clock.now, console: PrismaAPIHost.consoleURL(apiURL: "https://api.prismacloud.io"))
        _ = try await store.commit(events: [event], connector: connector, cursor: nil)
    }

    /// Runs the engine `rounds` times, two minutes apart.
    public func drain(rounds: Int = 3) async throws {
        for _ in 0..<rounds {
            try await engine.deliverDue(integration)
            clock.advance(seconds: 120)
        }
    }

    public var health: IntegrationHealth { get async throws { try await store.integrationHealth(id: integration.id) } }
}
