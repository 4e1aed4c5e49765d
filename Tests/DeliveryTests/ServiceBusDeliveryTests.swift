import Delivery
import Foundation
import HTTPServing
import PrismaSim
import RelayHTTP
import RelayModel
import RelayStore
import TestSupport
import Testing

@Suite("Azure Service Bus delivery")
struct ServiceBusDeliveryTests {
    static let key = "kY3rT8pQ2vW9xZ1aB4cD6eF0gH5jK7mN8pQ2rS4tU6w="

    static func connectionString(_ server: HTTPServerHandle, key: String = key) -> String {
        "Endpoint=sb://\(server.url.dropFirst("http://".count))/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=\(key)"
    }

    @Test("the SAS token is exact for a fixed key and expiry, and matches Microsoft's documented Python recipe")
    func sasGolden() async throws {
        let signer = SharedAccessSignature(keyName: "RootManageSharedAccessKey", key: Self.key)
        let token = signer.token(resourceURI: "https://myns.servicebus.windows.net/alerts", expiry: 1_795_313_595)
        #expect(token.hasPrefix("SharedAccessSignature sr=https%3A%2F%2Fmyns.servicebus.windows.net%2Falerts&sig="))
        #expect(token.hasSuffix("&se=1795313595&skn=RootManageSharedAccessKey"))
        let input: JSONValue = .object([
            "uri": .string("https://myns.servicebus.windows.net/alerts"), "keyName": .string("RootManageSharedAccessKey"),
            "key": .string(Self.key), "expiry": .int(1_795_313_595),
        ])
        #expect(token == (try await ReferenceTool.run("sas.py", input: Data(input.jsonBytes()))))
        let parsed = try #require(
            SharedAccessSignature.ConnectionString(
                "Endpoint=sb://myns.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=abc=;EntityPath=alerts"))
        #expect(parsed.signature == SharedAccessSignature(keyName: "send", key: "abc=") && parsed.entityPath == "alerts")
    }

    @Test("events arrive as one batch per send, MessageId = event id, with severity and status properties; a repeat is dropped")
    func delivers() async throws {
        let receiver = ServiceBusReceiver(queue: "prisma", keyName: "RootManageSharedAccessKey", key: Self.key)
        let server = try await receiver.serve()
        defer { Task { await server.stop() } }
        let rig = try await DeliveryRig.start(
            .azureServiceBusQueue,
            config: .object(["queueUrl": .string(server.url + "/prisma"), "connectionString": .string(Self.connectionString(server))]),
            startingAt: Int64(Date().timeIntervalSince1970 * 1000))
        for id in 1...3 { try await rig.alert("P-\(id)") }
        #expect(try await rig.engine.deliverDue(rig.integration) == 3)
        let messages = await receiver.messages
        #expect(await receiver.requests == 1 && messages.count == 3)
        let events = try messages.map { try NormalizedEvent(json: try JSONValue.parse(Array($0.body.utf8))) }
        #expect(messages.map(\.messageID) == events.map(\.id))
        #expect(messages.first?.userProperties?["severity"] == .string("high"))
        // At-least-once: the same event sent again is dropped by the queue's duplicate detection.
        let again = ServiceBusDestination(
            config: rig.integration.config,
            azure: AzureCredential(variables: [:], http: HTTPExchange(policy: .allowingLoopback), clock: { rig.clock.now }),
            clock: { rig.clock.now })
        let item = QueuedDelivery(seq: 1, event: events[0], attempts: 0, createdAt: 0)
        #expect(await again.deliver([item], over: HTTPExchange(policy: .allowingLoopback)) == .all(.delivered))
        #expect(await receiver.messages.count == 3)
        #expect(await receiver.duplicates == 1)
    }

    @Test("a wrong key is refused (InvalidSignature) and pauses the integration, naming connectionString; 503 is retried")
    func wrongKeyAndBusy() async throws {
        let receiver = ServiceBusReceiver(queue: "prisma", keyName: "RootManageSharedAccessKey", key: Self.key)
        let server = try await receiver.serve()
        defer { Task { await server.stop() } }
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let wrong = try await DeliveryRig.start(
            .azureServiceBusQueue,
            config: .object([
                "queueUrl": .string(server.url + "/prisma"), "connectionString": .string(Self.connectionString(server, key: "d3Jvbmc=")),
            ]),
            startingAt: now)
        try await wrong.alert("P-1")
        try await wrong.drain(rounds: 2)
        let health = try await wrong.health
        #expect(health.status == .red && health.paused && health.queueDepth == 1)
        #expect(health.message?.contains("InvalidSignature") == true && health.message?.contains("check connectionString") == true)

        let right = try await DeliveryRig.start(
            .azureServiceBusQueue,
            config: .object(["queueUrl": .string(server.url + "/prisma"), "connectionString": .string(Self.connectionString(server))]),
            startingAt: now)
        await receiver.beBusy(1)
        try await right.alert("P-2")
        try await right.drain(rounds: 3)
        #expect(try await right.health.delivered == 1)
        #expect(await receiver.messages.count == 1)
    }

    @Test("the accountId variant says exactly what is missing without a service principal, and sends with one")
    func servicePrincipal() async throws {
        let receiver = ServiceBusReceiver(queue: "prisma", keyName: "RootManageSharedAccessKey", key: Self.key)
        let server = try await receiver.serve()
        defer { Task { await server.stop() } }
        let config: JSONValue = .object(["queueUrl": .string(server.url + "/prisma"), "accountId": .string("azure-sub-1")])
        let bare = try await DeliveryRig.start(.azureServiceBusQueue, config: config)
        let test = try #require(try await bare.engine.test(bare.integration))
        #expect(!test.success)
        #expect(test.message.contains("set AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET"))

        let environment = ["AZURE_TENANT_ID": "tenant-1", "AZURE_CLIENT_ID": "client-1", "AZURE_AUTHORITY_HOST": server.url]
        let wrongSecret = try await DeliveryRig.start(
            .azureServiceBusQueue, config: config, environment: environment.merging(["AZURE_CLIENT_SECRET": "nope"]) { a, _ in a })
        try await wrongSecret.alert("P-1")
        try await wrongSecret.drain(rounds: 1)
        #expect(try await wrongSecret.health.message?.contains("AADSTS7000215") == true)

        let rig = try await DeliveryRig.start(
            .azureServiceBusQueue, config: config, environment: environment.merging(["AZURE_CLIENT_SECRET": "s3cret"]) { a, _ in a })
        try await rig.alert("P-1")
        try await rig.alert("P-2")
        try await rig.drain(rounds: 1)
        #expect(try await rig.health.delivered == 2)
        #expect(await receiver.messages.count == 2)
    }
}
