import Crypto
import Delivery
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Prometheus
import Relay
import RelayModel
import RelayServer
import RelayStore
import TestSupport

/// The relay's API over a fresh database, with one access key, tested through the real router.
struct APIHarness: Sendable {
    let app: RelayApp
    let databasePath: String
    let keyID: String
    let secret: String
    let signingKey = SymmetricKey(size: .bits256)
    let registry = PrometheusCollectorRegistry()
    /// Where the database lives, for as long as the harness does.
    let scratch: ScratchDirectory

    init(
        outbound: OutboundPolicy = .allowingLoopback, destinations: DestinationRegistry = .standard, logs: CapturedLogs? = nil,
        clock: @escaping @Sendable () -> Int64 = RelayApp.wallClock, database: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) async throws {
        scratch = try ScratchDirectory(prefix: "relay-api")
        // A given database is another process's: the relay restarted on it.
        databasePath = database ?? scratch.path("relay.sqlite")
        app = RelayApp(
            store: try SQLiteStore(path: databasePath), clock: clock, sleep: { _ in },
            outbound: outbound,
            destinations: destinations, environment: environment,
            logger: logs.map { sink in Logger(label: "test", factory: { _ in CapturedLogs.Handler(sink: sink) }) } ?? Logger(label: "test"),
            metrics: RelayMetrics(factory: PrometheusMetricsFactory(registry: registry)))
        let (key, secret) = APIKeyService.newKey(name: "tests-" + UUID().uuidString.prefix(8).lowercased(), now: 0)
        try await app.store.addAPIKey(key)
        keyID = key.id
        self.secret = secret
    }

    var bearer: HTTPFields { [.authorization: "Bearer \(keyID):\(secret)", .contentType: "application/json"] }

    /// Runs `body` with a client of the in-process router.
    func run(secure: Bool = false, _ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        try await Application(router: try RelayServer.buildRouter(app: app, signingKey: signingKey, registry: registry, secure: secure))
            .test(.router, body)
    }
}

extension TestResponse {
    var json: JSONValue? { try? JSONValue.parse(Array(body.readableBytesView)) }
    var text: String { String(buffer: body) }
    var redlockStatus: String? { headers[HTTPField.Name("x-redlock-status")!] }
}

extension TestClientProtocol {
    /// Sends `json` with the given headers and returns the response.
    func call(_ method: HTTPRequest.Method, _ uri: String, _ headers: HTTPFields, json: String? = nil) async throws -> TestResponse {
        try await execute(uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) })
    }
}
