import Foundation
import HTTPTypes
import HummingbirdTesting
import Relay
import RelayModel
import RelayStore
import Testing

@Suite("Alert rules API: a rule catches up on events stored before it")
struct RuleBackfillAPITests {
    static let hour: Int64 = 3_600_000

    /// An alert Prisma last changed `ago` milliseconds before `now`.
    static func event(_ id: String, severity: String, ago: Int64, now: Int64) throws -> NormalizedEvent {
        try AlertNormalizer.normalize(
            try JSONValue.parse(
                #"{"id":"\#(id)","status":"open","lastUpdated":\#(now - ago),"policy":{"name":"p","severity":"\#(severity)"}}"#),
            connector: "prod", observedAt: 0)
    }

    @Test("counting says how many stored events a new rule matches; sending queues them once; the look-back and the body are checked")
    func backfill() async throws {
        let now: Int64 = 1_780_000_000_000
        let api = try await APIHarness(clock: { now })
        let store = api.app.store
        try await store.addConnector(
            ConnectorConfig(name: "prod", apiURL: "https://api.prismacloud.io", accessKeyID: "k", secretKey: Secret("s")))
        _ = try await store.commit(
            events: [
                try Self.event("P-1", severity: "high", ago: Self.hour, now: now),
                try Self.event("P-2", severity: "high", ago: 2 * Self.hour, now: now),
                try Self.event("P-3", severity: "low", ago: Self.hour, now: now),
                try Self.event("P-4", severity: "high", ago: 48 * Self.hour, now: now),
            ], connector: "prod", cursor: nil)
        try await api.run { client in
            let hook = try await client.call(
                .post, "/api/v1/tenant/1/integration", api.bearer,
                json:
                    #"{"name":"soc","integrationType":"webhook","integrationConfig":{"url":"https://hooks.example.com/soc","authToken":"t0ken"}}"#
            )
            let hookID = try #require(hook.json?["id"]?.stringValue, "\(hook.text)")
            let rule = try await client.call(
                .post, "/alert/rule", api.bearer,
                json: #"{"name":"high to soc","filters":{"severities":["high"]},"integrationIDs":["\#(hookID)"]}"#)
            let ruleID = try #require(rule.json?["policyScanConfigId"]?.stringValue, "\(rule.text)")
            // The rule came after the events: nothing was queued for them.
            #expect(try await store.outbox(integrationID: hookID).isEmpty)

            let counted = try await client.call(.post, "/alert/rule/\(ruleID)/backfill", api.bearer, json: #"{"dryRun":true}"#)
            #expect(counted.status == .ok, "\(counted.text)")
            #expect(counted.json?["matched"] == .int(2) && counted.json?["queued"] == .int(2) && counted.json?["hours"] == .int(24))
            #expect(try await store.outbox(integrationID: hookID).isEmpty)

            let sent = try await client.call(.post, "/alert/rule/\(ruleID)/backfill", api.bearer)
            #expect(sent.json?["queued"] == .int(2) && sent.json?["dryRun"] == .bool(false), "\(sent.text)")
            let queued = try await store.outbox(integrationID: hookID).map(\.eventID)
            let stored = try await store.events(EventQuery(limit: 10))
            // Oldest first.
            #expect(queued == ["P-2", "P-1"].compactMap { id in stored.first { $0.nativeID == id }?.id })

            let again = try await client.call(.post, "/alert/rule/\(ruleID)/backfill", api.bearer, json: "{}")
            #expect(again.json?["matched"] == .int(2) && again.json?["queued"] == .int(0))
            let week = try await client.call(.post, "/alert/rule/\(ruleID)/backfill", api.bearer, json: #"{"hours":72}"#)
            #expect(week.json?["matched"] == .int(3) && week.json?["queued"] == .int(1))
            // By name too.
            let byName = try await client.call(.post, "/alert/rule/high%20to%20soc/backfill", api.bearer, json: #"{"dryRun":true}"#)
            #expect(byName.json?["rule"] == .string("high to soc"), "\(byName.text)")

            for (body, field) in [
                (#"{"hours":0}"#, "hours:"), (#"{"hours":"24"}"#, "hours:"), (#"{"dryRun":"yes"}"#, "dryRun:"), ("[1]", "body:"),
            ] {
                let refused = try await client.call(.post, "/alert/rule/\(ruleID)/backfill", api.bearer, json: body)
                #expect(refused.status == .badRequest, "\(body)")
                #expect(refused.redlockStatus?.contains(field) == true, "\(body): \(refused.redlockStatus ?? "")")
            }
            let unknown = try await client.call(.post, "/alert/rule/nope/backfill", api.bearer)
            #expect(unknown.status == .notFound)
            _ = try await api.app.rules.setEnabled(id: ruleID, false)
            let disabled = try await client.call(.post, "/alert/rule/\(ruleID)/backfill", api.bearer)
            #expect(disabled.status == .badRequest && disabled.redlockStatus?.contains("enable it") == true)
        }
    }
}
