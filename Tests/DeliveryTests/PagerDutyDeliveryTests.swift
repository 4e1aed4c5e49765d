import Delivery
import Foundation
import HTTPServing
import PrismaSim
import RelayModel
import RelayStore
import TestSupport
import Testing

@Suite("PagerDuty delivery")
struct PagerDutyDeliveryTests {
    static let key = "0123456789abcdef0123456789abcdef"

    /// A strict PagerDuty endpoint and an integration sending to it with `key`.
    static func start(key: String = key) async throws -> (DeliveryRig, PagerDutyReceiver, HTTPServerHandle) {
        let receiver = PagerDutyReceiver(routingKey: Self.key)
        let server = try await receiver.serve()
        let rig = try await DeliveryRig.start(
            .pagerDuty, config: .object(["integrationKey": .string(key)]), maxAttempts: 6,
            environment: ["PRISMA_RELAY_PAGERDUTY_URL": server.url + "/v2/enqueue"])
        return (rig, receiver, server)
    }

    @Test("resolve follows trigger for the same alert, on one incident")
    func triggerThenResolve() async throws {
        let (s, receiver, server) = try await Self.start()
        defer { Task { await server.stop() } }
        try await s.alert("P-1", status: "open", version: 1)
        try await s.alert("P-1", status: "resolved", version: 2)
        try await s.drain(rounds: 4)
        #expect(await receiver.log == ["trigger prod/P-1", "resolve prod/P-1"])
        #expect(
            await receiver.incidents["prod/P-1"]
                == .init(
                    status: "resolved", triggers: 1, summary: "[critical] S3 bucket is public — logs / aws / 111", severity: "critical"))
    }

    @Test("a resolve waits while its trigger is being retried (429, then 503)")
    func resolveWaitsForTrigger() async throws {
        let (s, receiver, server) = try await Self.start()
        defer { Task { await server.stop() } }
        await receiver.fail(with: [429, 503])
        try await s.alert("P-1", status: "open", version: 1)
        try await s.alert("P-1", status: "dismissed", version: 2)
        try await s.drain(rounds: 6)
        #expect(await receiver.log == ["trigger prod/P-1", "resolve prod/P-1"])
        #expect(await receiver.incidents.count == 1)
    }

    @Test("the same alert sent twice stays one incident thanks to the dedup key")
    func dedup() async throws {
        let (s, receiver, server) = try await Self.start()
        defer { Task { await server.stop() } }
        try await s.alert("P-1", status: "open", version: 1)
        try await s.alert("P-1", status: "open", version: 3)
        try await s.drain(rounds: 4)
        #expect(await receiver.incidents.count == 1)
        #expect(await receiver.incidents["prod/P-1"]?.triggers == 2)
    }

    @Test("a wrong integration key pauses the integration with the reason")
    func wrongKey() async throws {
        let (s, receiver, server) = try await Self.start(key: "ffffffffffffffffffffffffffffffff")
        defer { Task { await server.stop() } }
        try await s.alert("P-1", status: "open", version: 1)
        try await s.drain(rounds: 1)
        let health = try await s.health
        #expect(health.status == .red && health.paused && health.message?.contains("check integrationKey") == true)
        #expect(await receiver.incidents.isEmpty, "the receiver opened an incident for a key it refused")
    }

    @Test(
        "severity maps critical→critical, high→error, medium→warning, low and info→info",
        arguments: [
            ("critical", "critical"), ("high", "error"), ("medium", "warning"), ("low", "info"), ("informational", "info"),
        ])
    func severities(tier: String, expected: String) throws {
        let event = try AlertNormalizer.normalize(
            try JSONValue.parse(#"{"id":"P-1","status":"open","lastUpdated":1,"policy":{"severity":"\#(tier)"}}"#), connector: "c",
            observedAt: 0)
        let body = try JSONValue.parse(try PagerDutyDestination(config: ["integrationKey": .string(Self.key)]).request(for: [event]).body)
        #expect(body["payload"]?["severity"]?.stringValue == expected)
    }

    @Test("the request is exact for a fixed event: trigger with payload, resolve with the dedup key only")
    func golden() throws {
        let open = try AlertNormalizer.normalize(
            try JSONValue.parse(
                #"{"id":"P-9","status":"open","lastUpdated":1000,"lastSeen":1000,"policy":{"name":"N","severity":"high"},"resource":{"id":"r-1","cloudType":"aws"}}"#
            ),
            connector: "c", observedAt: 0)
        let destination = PagerDutyDestination(config: ["integrationKey": .string(Self.key)])
        let trigger = try destination.request(for: [open])
        #expect(trigger.url == "https://events.pagerduty.com/v2/enqueue")
        #expect(trigger.headers.map { "\($0.0): \($0.1)" } == ["Content-Type: application/json"])
        let body = try JSONValue.parse(trigger.body)
        #expect(body["routing_key"] == .string(Self.key))
        #expect(body["event_action"] == .string("trigger"))
        #expect(body["dedup_key"] == .string("c/P-9"))
        #expect(body["payload"]?["summary"] == .string("[high] N — r-1 / aws"))
        #expect(body["payload"]?["source"] == .string("r-1"))
        #expect(body["payload"]?["timestamp"] == .string("1970-01-01T00:00:01.000Z"))
        #expect(body["payload"]?["custom_details"] == open.jsonValue)
        var resolved = open
        resolved.status = "resolved"
        #expect(
            String(decoding: try destination.request(for: [resolved]).body, as: UTF8.self)
                == #"{"routing_key":"\#(Self.key)","event_action":"resolve","dedup_key":"c/P-9"}"#)
    }

    @Test("two connectors whose alert ids overlap get separate incidents: one tenant's resolve leaves the other's open")
    func tenantsDoNotCollide() async throws {
        let (s, receiver, server) = try await Self.start()
        defer { Task { await server.stop() } }
        try await s.store.addConnector(
            ConnectorConfig(name: "eu", apiURL: "https://api.eu.prismacloud.io", accessKeyID: "k", secretKey: Secret("s")))
        try await s.alert("P-100201", status: "open", version: 1)
        try await s.alert("P-100201", status: "open", version: 1, connector: "eu")
        try await s.drain(rounds: 1)
        try await s.alert("P-100201", status: "resolved", version: 2, connector: "eu")
        try await s.drain(rounds: 2)
        #expect(await receiver.incidents["prod/P-100201"]?.status == "triggered")
        #expect(await receiver.incidents["eu/P-100201"]?.status == "resolved")
        #expect(await receiver.incidents.count == 2)
    }

    @Test("a 600 KB alert reaches PagerDuty cut under 512 KB, marked, with its identity; its resolve finds the incident")
    func oversizedAlertFitted() async throws {
        let (s, receiver, server) = try await Self.start()
        defer { Task { await server.stop() } }
        try await s.alert("P-600", status: "open", version: 1, resourceDataBytes: 600_000)
        try await s.drain(rounds: 1)
        try await s.alert("P-600", status: "resolved", version: 2, resourceDataBytes: 600_000)
        try await s.drain(rounds: 2)
        #expect(try await s.store.deadLetters(integrationID: s.integration.id).isEmpty)
        #expect(await receiver.log == ["trigger prod/P-600", "resolve prod/P-600"])
        #expect(await receiver.incidents["prod/P-600"]?.status == "resolved")
        #expect(try await s.health.status == .green)
    }

    @Test("the trigger of an oversized alert is exact: resource data cut first, its size said, identity kept")
    func oversizedGolden() throws {
        let raw =
            #"{"id":"P-9","status":"open","lastUpdated":1000,"policy":{"name":"N","severity":"high"},"resource":{"id":"r-1","cloudType":"aws","data":{"blob":"\#(String(repeating: "z", count: 600_000))"}}}"#
        let event = try AlertNormalizer.normalize(try JSONValue.parse(raw), connector: "c", observedAt: 0)
        let destination = PagerDutyDestination(config: ["integrationKey": .string(Self.key)])
        let fitted = destination.fitted(event)
        #expect(fitted.truncated == ["raw_event.resource.data"])
        #expect(fitted.rawEvent["resource"]?["data"] == .string("[cut to fit the destination: 600011 bytes]"))
        #expect(fitted.id == event.id && fitted.nativeID == "P-9" && fitted.version == "1000" && fitted.status == "open")
        let body = try JSONValue.parse(try destination.request(for: [fitted]).body)
        #expect(try destination.request(for: [fitted]).body.count < 512 * 1024)
        #expect(body["payload"]?["custom_details"]?["truncated"] == .array([.string("raw_event.resource.data")]))
        #expect(body["dedup_key"] == .string("c/P-9"))
    }
}
