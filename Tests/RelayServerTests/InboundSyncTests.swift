import Crypto
import Foundation
import HTTPServing
import HTTPTypes
import HummingbirdTesting
import PrismaSim
import Relay
import RelayModel
import RelayStore
import TestSupport
import Testing

@Suite("Two-way sync: a PagerDuty v3 webhook resolving an incident dismisses its alert in Prisma Cloud")
struct InboundSyncTests {
    static let routingKey = "0123456789abcdef0123456789abcdef"
    static let secret = "whsec-7f3a9c1e5b2d4086"

    /// A PagerDuty v3 webhook body for `eventType` of the incident opened with `key`.
    static func payload(_ eventType: String, key: String) -> String {
        #"{"event":{"id":"5ac64822-4adc-4fda-ade0-410becf0de4f","event_type":"\#(eventType)","resource_type":"incident","occurred_at":"2026-12-04T18:45:22.169Z","agent":{"id":"PLH1HKV","summary":"Tenex Engineer","type":"user_reference"},"client":null,"data":{"id":"PGR0VU2","type":"incident","html_url":"https://acme.pagerduty.com/incidents/PGR0VU2","number":2,"status":"resolved","incident_key":"\#(key)","title":"Open SSH","urgency":"high","resolve_reason":null}}}"#
    }

    /// `X-PagerDuty-Signature` for `body`: `v1=` and the hex HMAC-SHA256 under `secret`.
    static func signature(_ body: String, secret: String = secret) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: Data(body.utf8), using: SymmetricKey(data: Data(secret.utf8)))
        return "v1=" + code.map { String(format: "%02x", $0) }.joined()
    }

    @Test(
        "a signed incident.resolved dismisses the alert with a note naming who resolved it; a bad or missing signature is refused with 401 and changes nothing; the dismissed version is not sent back to PagerDuty"
    )
    func resolvedInPagerDuty() async throws {
        let simulator = PrismaSimulator(configuration: .init(rateLimitPerSecond: nil))
        let ids = await simulator.addAlerts(4, start: simulator.now() - 3_600_000, spread: 3_600_000, closedShare: 0)
        let server = try await simulator.serve()
        let pager = PagerDutyReceiver(routingKey: Self.routingKey)
        let pd = try await pager.serve()
        defer {
            Task {
                await server.stop()
                await pd.stop()
            }
        }
        let api = try await APIHarness(environment: ["PRISMA_RELAY_PAGERDUTY_URL": pd.url + "/v2/enqueue"])
        var config = ConnectorConfig(
            name: "prod", apiURL: server.url, accessKeyID: simulator.user.accessKeyID, secretKey: Secret(simulator.user.secretKey),
            statuses: ["all"])
        config.allowActions = true
        try await api.app.connectors.add(config)
        let integration = try await api.app.integrations.create(
            IntegrationService.Draft(
                json: .object([
                    "name": .string("pager"), "integrationType": .string("pager_duty"),
                    "integrationConfig": .object(["integrationKey": .string(Self.routingKey), "webhookSecret": .string(Self.secret)]),
                ])), by: "test")
        _ = try await api.app.rules.create(
            RuleService.Draft(name: "page", notifyOn: ["open", "dismissed"], integrationIDs: [integration.id]))
        #expect(try await api.app.connectors.poll("prod").error == nil)
        while try await api.app.integrations.deliverDue(integration) > 0 {}
        #expect(await pager.incidents.count == 4)
        let path = "/api/v1/inbound/pagerduty/\(integration.id)"

        try await api.run { client in
            // Forged: a wrong secret, no signature, a signature of another body. Nothing changes.
            let body = Self.payload("incident.resolved", key: "prod/\(ids[0])")
            for header in [Self.signature(body, secret: "not-the-secret"), nil, Self.signature(body + " ")] {
                var headers: HTTPFields = [.contentType: "application/json"]
                if let header { headers[HTTPField.Name("X-PagerDuty-Signature")!] = header }
                let refused = try await client.call(.post, path, headers, json: body)
                #expect(refused.status == .unauthorized, "\(refused.text)")
            }
            #expect(await simulator.alert(ids[0])?["status"] == .string("open"))

            // Signed (a rotation's two signatures, the good one second): dismissed in Prisma, with who and which incident.
            let signed: HTTPFields = [
                .contentType: "application/json",
                HTTPField.Name("X-PagerDuty-Signature")!: Self.signature(body, secret: "old-secret") + "," + Self.signature(body),
            ]
            let done = try await client.call(.post, path, signed, json: body)
            #expect(done.status == .ok && done.text.contains("done"), "\(done.text)")
            let alert = try #require(await simulator.alert(ids[0]))
            #expect(alert["status"] == .string("dismissed"))
            #expect(
                alert["dismissalNote"]
                    == .string(
                        "Resolved in PagerDuty by Tenex Engineer: incident #2 \"Open SSH\" (https://acme.pagerduty.com/incidents/PGR0VU2)"))

            // Other events are acknowledged and ignored; an unknown integration is not a sync endpoint.
            let triggered = Self.payload("incident.triggered", key: "prod/\(ids[1])")
            let ignored = try await client.call(
                .post, path, [HTTPField.Name("X-PagerDuty-Signature")!: Self.signature(triggered)], json: triggered)
            #expect(ignored.status == .ok && ignored.text.contains("Nothing to do"))
            let unknown = try await client.call(
                .post, "/api/v1/inbound/pagerduty/nope", [HTTPField.Name("X-PagerDuty-Signature")!: Self.signature(body)], json: body)
            #expect(unknown.status == .notFound)
        }
        #expect(await simulator.alert(ids[1])?["status"] == .string("open"))
        let event = try await api.app.actions.latestEvent(nativeID: ids[0], connector: "prod")
        let record = try #require(try await api.app.actions.actions(of: event).first)
        #expect(record.origin == integration.id && record.actor == "PagerDuty integration pager: Tenex Engineer")

        // The next poll stores the dismissed version: PagerDuty, which said so itself, is not told again. An alert
        // dismissed by someone else is resolved in PagerDuty as usual.
        _ = try await api.app.actions.act(
            on: try await api.app.actions.latestEvent(nativeID: ids[2], connector: "prod"),
            .dismiss(note: "by hand"), by: "API key ops")
        try await Task.sleep(for: .milliseconds(5))
        #expect(try await api.app.connectors.poll("prod").added == 2)
        while try await api.app.integrations.deliverDue(integration) > 0 {}
        #expect(await pager.incidents["prod/\(ids[0])"]?.status == "triggered", "not sent back: PagerDuty resolved it itself")
        #expect(await pager.incidents["prod/\(ids[2])"]?.status == "resolved")
        let dismissed = try await api.app.actions.latestEvent(nativeID: ids[0], connector: "prod")
        #expect(dismissed.status == "dismissed")
        let state = try #require(try await api.app.events.deliveries(of: [dismissed.id])[dismissed.id]?.first)
        #expect(state.state == "filtered" && state.lastError?.contains("not sent back") == true, "\(state)")
    }
}
