import Delivery
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Relay
import RelayHTTP
import RelayModel
import RelayStore
import Testing

/// A destination added by one registration line, and nothing else.
@Suite("Destination registration")
struct DestinationRegistrationTests {
    /// What the throw-away destination was sent.
    actor Inbox {
        var received: [(channel: String, alert: String)] = []
        func add(channel: String, alert: String) { received.append((channel, alert)) }
    }

    /// A destination that keeps each event's alert id with the channel its config names.
    struct EchoDestination: Destination {
        let channel: String
        let inbox: Inbox
        var maxBatch: Int { 10 }
        func deliver(_ batch: [QueuedDelivery], over http: HTTPExchange) async -> BatchOutcome {
            for item in batch { await inbox.add(channel: channel, alert: item.event.nativeID) }
            return .all(.delivered)
        }
    }

    static let echo = IntegrationType(rawValue: "echo")

    /// The whole of the throw-away destination's declaration: a schema and how to build it.
    static func kind(_ inbox: Inbox) -> DestinationKind {
        DestinationKind(
            schema: IntegrationSchema(
                echo, "Echo sink", [IntegrationField("channel", required: true, help: "Where the echoes go")]),
            make: { integration, _ in EchoDestination(channel: integration.config["channel"]?.stringValue ?? "", inbox: inbox) })
    }

    @Test("a destination registered with one line is in the API's type list, the console's form and the engine")
    func throwAwayDestination() async throws {
        let inbox = Inbox()
        let api = try await APIHarness(destinations: .standard.adding(Self.kind(inbox)))
        try await api.app.connectors.add(
            ConnectorConfig(name: "prod", apiURL: "https://api.prismacloud.io", accessKeyID: "k", secretKey: Secret("s")))
        try await api.run { client in
            let types = try await client.call(.get, "/api/v1/tenant/1/integration/channels", api.bearer).json?.arrayValue
            #expect(types?.contains(.string("echo")) == true)
            #expect(types?.count == 16)

            let session = try await APIKeysTests.consoleSession(client, id: api.keyID, secret: api.secret)
            let chooser = try await client.execute(uri: "/console/integrations/new", method: .get, headers: [.cookie: session])
            #expect(String(buffer: chooser.body).contains(#"value="echo""#))
            let form = String(
                buffer: try await client.execute(uri: "/console/integrations/new?type=echo", method: .get, headers: [.cookie: session]).body
            )
            #expect(form.contains("Add a Echo sink integration"))
            #expect(form.contains(#"name="cfg.channel""#))

            let refused = try await client.call(
                .post, "/api/v1/tenant/1/integration", api.bearer, json: #"{"name":"e","integrationType":"echo","integrationConfig":{}}"#)
            #expect(refused.status == .badRequest)
            #expect(refused.text.contains("integrationConfig.channel"))
            let created = try await client.call(
                .post, "/api/v1/tenant/1/integration", api.bearer,
                json: #"{"name":"e","integrationType":"echo","integrationConfig":{"channel":"soc"}}"#)
            let id = try #require(created.json?["id"]?.stringValue, "\(created.text)")
            _ = try await client.call(.post, "/alert/rule", api.bearer, json: #"{"name":"all","integrationIDs":["\#(id)"]}"#)
            let event = try AlertNormalizer.normalize(
                try JSONValue.parse(#"{"id":"P-7","status":"open","lastUpdated":1,"policy":{}}"#), connector: "prod", observedAt: 0)
            _ = try await api.app.store.commit(events: [event], connector: "prod", cursor: nil)
            try await api.app.deliveryEngine.deliverDue(try await api.app.integrations.get(id))
            let received = await inbox.received
            #expect(received.map(\.channel) == ["soc"])
            #expect(received.map(\.alert) == ["P-7"])
        }
    }

    @Test("a type no destination registers is refused by name, with the registered ones listed")
    func unregisteredType() async throws {
        let api = try await APIHarness()
        try await api.run { client in
            let refused = try await client.call(
                .post, "/api/v1/tenant/1/integration", api.bearer, json: #"{"name":"e","integrationType":"echo","integrationConfig":{}}"#)
            #expect(refused.status == .badRequest)
            #expect(refused.text.contains(#"integrationType \"echo\" is not supported"#))
            #expect(refused.text.contains("webhook"))
        }
    }
}
