import Delivery
import Foundation
import HTTPServing
import PrismaSim
import RelayModel
import RelayStore
import TestSupport
import Testing

@Suite("ServiceNow delivery")
struct ServiceNowDeliveryTests {
    static func start(
        tables: [String: Bool], receiverTables: Set<String> = ["incident", "sn_si_incident", "em_event"], password: String = "pw"
    ) async throws -> (DeliveryRig, ServiceNowReceiver, HTTPServerHandle) {
        let receiver = ServiceNowReceiver(login: "prisma", password: "pw", tables: receiverTables)
        let server = try await receiver.serve()
        let rig = try await DeliveryRig.start(
            .serviceNow,
            config: .object([
                "hostUrl": .string(server.url), "login": .string("prisma"), "password": .string(password),
                "tables": .array(["incident", "sn_si_incident", "em_event"].map { .object([$0: .bool(tables[$0] ?? false)]) }),
            ]))
        return (rig, receiver, server)
    }

    @Test("an alert is one incident, found again by correlation_id: created, updated, then resolved")
    func incidentLifecycle() async throws {
        let (rig, receiver, server) = try await Self.start(tables: ["incident": true])
        defer { Task { await server.stop() } }
        try await rig.alert("P-1")
        try await rig.drain(rounds: 1)
        try await rig.alert("P-1", version: 2)
        try await rig.drain(rounds: 1)
        try await rig.alert("P-1", status: "resolved", version: 3)
        try await rig.drain(rounds: 1)
        let incidents = await receiver.records["incident"] ?? []
        #expect(incidents.count == 1)
        #expect(incidents.first?["correlation_id"] == .string("prod/P-1") && incidents.first?["state"] == .string("6"))
        #expect(
            incidents.first?["short_description"] == .string("[critical] S3 bucket is public")
                && incidents.first?["urgency"] == .string("1"))
        let sysID = incidents.first?["sys_id"]?.stringValue ?? ""
        #expect(await receiver.writes == ["POST incident", "PATCH incident/\(sysID)", "PATCH incident/\(sysID)"])
    }

    @Test("em_event gets an event per change keyed by the alert; a resolve is a clear (severity 0)")
    func events() async throws {
        let (rig, receiver, server) = try await Self.start(tables: ["em_event": true, "incident": true])
        defer { Task { await server.stop() } }
        try await rig.alert("P-1")
        try await rig.drain(rounds: 1)
        try await rig.alert("P-1", status: "resolved", version: 2)
        try await rig.drain(rounds: 1)
        let events = await receiver.records["em_event"] ?? []
        #expect(events.map { $0["severity"] } == [.string("1"), .string("0")])
        #expect(events.allSatisfy { $0["message_key"] == .string("prod/P-1") && $0["source"] == .string("Prisma Cloud") })
        #expect(await receiver.records["incident"]?.count == 1)
    }

    @Test("a wrong password pauses with what to check; a table whose plugin is missing pauses naming tables")
    func refusals() async throws {
        let (wrong, _, server) = try await Self.start(tables: ["incident": true], password: "nope")
        defer { Task { await server.stop() } }
        try await wrong.alert("P-1")
        try await wrong.drain(rounds: 1)
        #expect(try await wrong.health.message?.contains("check login and password") == true)

        let (noPlugin, _, other) = try await Self.start(tables: ["sn_si_incident": true], receiverTables: ["incident"])
        defer { Task { await other.stop() } }
        try await noPlugin.alert("P-1")
        try await noPlugin.drain(rounds: 1)
        let health = try await noPlugin.health
        #expect(
            health.paused && health.message?.contains("Invalid table sn_si_incident") == true && health.message?.contains("tables") == true)
    }

    @Test("429 is retried after X-RateLimit-Reset, then the incident is created once")
    func rateLimited() async throws {
        let (rig, receiver, server) = try await Self.start(tables: ["incident": true])
        defer { Task { await server.stop() } }
        await receiver.rateLimit(1)
        try await rig.alert("P-1")
        try await rig.drain(rounds: 3)
        #expect(await receiver.records["incident"]?.count == 1)
        #expect(try await rig.health.delivered == 1)
    }

    @Test("the records are exact for a fixed event")
    func golden() throws {
        let event = try AlertNormalizer.normalize(
            try JSONValue.parse(
                #"{"id":"P-7","status":"open","lastUpdated":1763800000000,"policy":{"name":"S3 public","severity":"medium","policyType":"config"},"resource":{"id":"b-1","name":"logs","cloudType":"aws","accountId":"111"}}"#
            ),
            connector: "prod", observedAt: 0)
        #expect(
            ServiceNowDestination.taskRecord(event, table: "incident")
                == .object([
                    "short_description": .string("[medium] S3 public"),
                    "description": .string("Prisma Cloud alert P-7 (medium, open)\nResource: logs / aws / 111"),
                    "correlation_id": .string("prod/P-7"), "correlation_display": .string("Prisma Cloud"), "impact": .string("2"),
                    "urgency": .string("2"),
                ]))
        let record = ServiceNowDestination.eventRecord(event)
        #expect(record["severity"] == .string("3") && record["node"] == .string("logs") && record["type"] == .string("config"))
        #expect(record["time_of_event"] == .string("2025-11-22 08:26:40") && record["metric_name"] == .string("S3 public"))
        #expect((try JSONValue.parse(Array((record["additional_info"]?.stringValue ?? "").utf8)))["alertId"] == .string("P-7"))
    }
}
