import Delivery
import Foundation
import HTTPServing
import PrismaSim
import RelayModel
import RelayStore
import TestSupport
import Testing

@Suite("Slack and Microsoft Teams delivery")
struct ChatDeliveryTests {
    static let slackPath = "/services/T000/B000/SLACKSECRET"

    @Test("Slack gets a readable message: headline, facts, description, and links to the alert in Prisma and the resource")
    func slackMessage() async throws {
        let receiver = SlackReceiver(path: Self.slackPath)
        let server = try await receiver.serve()
        defer { Task { await server.stop() } }
        let rig = try await DeliveryRig.start(
            .slack, config: .object(["webhookUrl": .string("https://hooks.slack.com" + Self.slackPath)]),
            environment: ["PRISMA_RELAY_SLACK_URL": server.url])
        try await rig.alert("P-1")
        try await rig.drain(rounds: 1)
        let message = try #require(await receiver.messages.first)
        #expect(message["text"] == .string("[CRITICAL] S3 bucket is public"))
        let fields = message["blocks"]?.arrayValue?[1]["fields"]?.arrayValue?.compactMap { $0["text"]?.stringValue } ?? []
        #expect(fields.contains("*Resource*\nlogs") && fields.contains("*Account*\n111") && fields.contains("*Cloud*\naws"))
        let links = try #require(message["blocks"]?.arrayValue?.last?["elements"]?.arrayValue?.first?["text"]?.stringValue)
        #expect(
            links
                == "<https://app.prismacloud.io/alerts/overview?viewId=default&filters=%7B%22alert.id%22:%5B%22P-1%22%5D%7D|Open the alert in Prisma Cloud>"
                + "  ·  <https://console.example.com/b-1|Open the resource>")
    }

    @Test("Slack reads an audit record as an audit line: who did what, from where, and how it ended")
    func slackAuditLine() async throws {
        let receiver = SlackReceiver(path: Self.slackPath)
        let server = try await receiver.serve()
        defer { Task { await server.stop() } }
        let rig = try await DeliveryRig.start(
            .slack, config: .object(["webhookUrl": .string("https://hooks.slack.com" + Self.slackPath)]),
            environment: ["PRISMA_RELAY_SLACK_URL": server.url])
        var filters = AlertRule.Filters()
        filters.kinds = [.audit]
        try await rig.store.addRule(AlertRule(id: "audits", name: "audits", filters: filters, integrationIDs: [rig.integration.id]))
        let record: JSONValue = .object([
            "timestamp": .int(1_693_819_702_240), "user": .string("john.user@example.com"), "ipAddress": .string("81.2.69.142"),
            "actionType": .string("LOGIN"), "resourceType": .string("Login"), "resourceName": .string("john.user@example.com"),
            "action": .string("'john.user@example.com' logged in via access key."), "result": .string("fail"),
        ])
        let event = try AuditNormalizer.normalize(record, connector: "prod", observedAt: rig.clock.now)
        _ = try await rig.store.commit(events: [event], connector: "prod", cursor: nil)
        try await rig.drain(rounds: 1)
        let message = try #require(await receiver.messages.first)
        #expect(message["text"] == .string("[AUDIT] 'john.user@example.com' logged in via access key. (failed)"))
        let fields = message["blocks"]?.arrayValue?[1]["fields"]?.arrayValue?.compactMap { $0["text"]?.stringValue } ?? []
        #expect(fields.contains("*User*\njohn.user@example.com (access key)") && fields.contains("*From*\n81.2.69.142"), "\(fields)")
        #expect(fields.contains("*Result*\nfailure") && !fields.contains { $0.hasPrefix("*Severity*") })
    }

    @Test("Slack: 429 rate_limited is retried after Retry-After; 400 invalid_payload is dead-lettered")
    func slackErrors() async throws {
        let receiver = SlackReceiver(path: Self.slackPath)
        let server = try await receiver.serve()
        defer { Task { await server.stop() } }
        let rig = try await DeliveryRig.start(
            .slack, config: .object(["webhookUrl": .string("https://hooks.slack.com" + Self.slackPath)]),
            environment: ["PRISMA_RELAY_SLACK_URL": server.url])
        await receiver.fail(with: [(429, "rate_limited"), (400, "invalid_payload")])
        try await rig.alert("P-1")
        try await rig.alert("P-2")
        try await rig.engine.deliverDue(rig.integration)
        #expect(
            try await rig.store.deadLetters(integrationID: "slack").map(\.reason) == [
                "Slack refused the event (HTTP 400): sending it again as it is will not help; it is kept as a dead letter to retry or discard from the integration's page. Detail: HTTP 400: invalid_payload"
            ])
        rig.clock.advance(seconds: 29)
        #expect(try await rig.engine.deliverDue(rig.integration) == 0)
        rig.clock.advance(seconds: 120)
        try await rig.engine.deliverDue(rig.integration)
        #expect(await receiver.messages.count == 1)
    }

    @Test("Slack: a revoked webhook (404 no_service) pauses the integration and says what to do")
    func slackRevoked() async throws {
        let receiver = SlackReceiver(path: "/services/T000/B000/OTHER")
        let server = try await receiver.serve()
        defer { Task { await server.stop() } }
        let rig = try await DeliveryRig.start(
            .slack, config: .object(["webhookUrl": .string("https://hooks.slack.com" + Self.slackPath)]),
            environment: ["PRISMA_RELAY_SLACK_URL": server.url])
        try await rig.alert("P-1")
        try await rig.drain(rounds: 2)
        let health = try await rig.health
        #expect(health.status == .red && health.paused && health.queueDepth == 1)
        #expect(health.message?.contains("update webhookUrl") == true)
        #expect(await receiver.requests == 1)
    }

    @Test("Teams gets an Adaptive Card; a Workflows 202 and a legacy 200 '1' both count as delivered")
    func teamsCard() async throws {
        let receiver = TeamsReceiver()
        let server = try await receiver.serve()
        defer { Task { await server.stop() } }
        let rig = try await DeliveryRig.start(
            .microsoftTeams, config: .object(["url": .string(server.url + "/workflows/relay/triggers/manual/paths/invoke")]))
        await receiver.fail(with: [(200, "1")])
        try await rig.alert("P-1")
        try await rig.alert("P-2")
        try await rig.drain(rounds: 1)
        #expect(try await rig.health.delivered == 2)
        let card = try #require(await receiver.cards.first)
        #expect(card["body"]?.arrayValue?.first?["text"] == .string("[CRITICAL] S3 bucket is public"))
        #expect(
            card["actions"]?.arrayValue?.compactMap { $0["title"]?.stringValue } == ["Open the alert in Prisma Cloud", "Open the resource"])
        #expect(card["actions"]?.arrayValue?.last?["url"] == .string("https://console.example.com/b-1"))
    }

    @Test("Teams: an error text inside a 200 is dead-lettered; 413 too large is not retried; 429 is")
    func teamsErrors() async throws {
        let receiver = TeamsReceiver()
        let server = try await receiver.serve()
        defer { Task { await server.stop() } }
        let rig = try await DeliveryRig.start(
            .microsoftTeams, config: .object(["url": .string(server.url + "/workflows/relay/triggers/manual/paths/invoke")]))
        await receiver.fail(with: [
            (200, "Webhook message delivery failed with error: Microsoft Teams endpoint returned HTTP error 400"),
            (413, "Request Entity Too Large"), (429, ""),
        ])
        for id in ["P-1", "P-2", "P-3"] { try await rig.alert(id) }
        try await rig.drain(rounds: 3)
        let reasons = try await rig.store.deadLetters(integrationID: "microsoft_teams").map(\.reason).sorted()
        #expect(reasons.count == 2)
        #expect(reasons.contains { $0.hasPrefix("Teams accepted the request but reported") })
        #expect(reasons.contains { $0.contains("HTTP 413") })
        #expect(await receiver.cards.count == 1)
    }
}
