import Foundation
import RelayModel
import RelayStore
import Testing

/// What a connector's page and an integration's page read: the history of polls, and deliveries by the hour.
extension StoreConformanceTests {
    @Test(
        "a connector's polls are kept newest first with their counts, grouped by hour and outcome, pruned after eight days but never below the last fifty, and removed with the connector",
        arguments: StoreUnderTest.all)
    func pollHistory(_ kind: StoreUnderTest) async throws {
        let store = try await kind.open()
        try await store.addConnector(Self.connector)
        let hour: Int64 = 400 * 3_600_000
        try await store.recordPoll(
            PollRecord(
                connector: "prod", startedAt: hour + 1_000, finishedAt: hour + 3_500, pages: 2, fetched: 150, added: 120, rejected: 1))
        try await store.recordPoll(
            PollRecord(
                connector: "prod", startedAt: hour + 60_000, finishedAt: hour + 61_000,
                error: "Prisma Cloud refused the key at https://u:SECRET@api.example.com/login"))
        try await store.recordPoll(PollRecord(connector: "prod", startedAt: hour + 3_600_000, finishedAt: hour + 3_601_000, pages: 1))

        let polls = try await store.polls(connector: "prod", limit: 10)
        #expect(polls.map(\.finishedAt) == [hour + 3_601_000, hour + 61_000, hour + 3_500])
        #expect(
            polls[2]
                == PollRecord(
                    connector: "prod", startedAt: hour + 1_000, finishedAt: hour + 3_500, pages: 2, fetched: 150, added: 120, rejected: 1))
        #expect(polls[2].durationMillis == 2_500 && polls[2].succeeded)
        #expect(polls[1].error?.contains("SECRET") == false && polls[1].succeeded == false)
        #expect(try await store.polls(connector: "prod", limit: 1).count == 1)
        #expect(
            try await store.pollHours(connector: "prod", since: hour)
                == [PollHour(hour: hour, succeeded: 1, failed: 1), PollHour(hour: hour + 3_600_000, succeeded: 1, failed: 0)])
        #expect(try await store.pollHours(connector: "prod", since: hour + 3_600_000).count == 1)

        // Sixty polls nine days later: the three old ones and the oldest ten of these go, the last fifty stay.
        let late = hour + 9 * 86_400_000
        for index in 0..<60 {
            let at = late + Int64(index) * 60_000
            try await store.recordPoll(PollRecord(connector: "prod", startedAt: at, finishedAt: at + 1))
        }
        let kept = try await store.polls(connector: "prod", limit: 100)
        #expect(kept.count == 60)
        try await store.recordPoll(PollRecord(connector: "prod", startedAt: late + 9 * 86_400_000, finishedAt: late + 9 * 86_400_000))
        #expect(try await store.polls(connector: "prod", limit: 100).count == PollRecord.keptAtLeast)

        try await store.removeConnector(named: "prod")
        try await store.addConnector(Self.connector)
        #expect(try await store.polls(connector: "prod", limit: 10).isEmpty)
    }

    @Test(
        "recorded deliveries add up by the hour with their latency from queued to acknowledged, and failures keep the destination's answer",
        arguments: StoreUnderTest.all)
    func deliveryActivity(_ kind: StoreUnderTest) async throws {
        let store = try await Self.routed(kind)
        _ = try await store.commit(events: try ["P-1", "P-2", "P-3", "P-4"].map { try Self.event($0) }, connector: "prod", cursor: nil)
        let queuedAt = try #require(try await store.outbox(integrationID: "hook").map(\.createdAt).max())
        let at = DeliveryHour.start(of: queuedAt) + 2 * 3_600_000 + 1_000
        let rows = try await store.claimDeliveries(integrationID: "hook", owner: "a", now: at, until: at + 60_000, limit: 10).map(\.seq)
        #expect(rows.count == 4)
        // A worker without the claim records nothing, and nothing is counted for it.
        #expect(try await store.recordDeliveries([.init(seq: rows[0], result: .delivered)], integrationID: "hook", owner: "b", at: at) == 0)
        // Two recordings in one hour add up, latencies bucket by bucket.
        try await store.recordDeliveries([.init(seq: rows[0], result: .delivered)], integrationID: "hook", owner: "a", at: at)
        try await store.recordDeliveries(
            [
                .init(seq: rows[1], result: .delivered),
                .init(
                    seq: rows[2],
                    result: .retry(nextAttemptAt: at + 30_000, error: "the webhook answered HTTP 503 at https://u:PW@hooks.example.com")),
                .init(
                    seq: rows[3],
                    result: .retry(nextAttemptAt: at + 30_000, error: "the webhook answered HTTP 503 at https://u:PW@hooks.example.com")),
            ], integrationID: "hook", owner: "a", at: at)
        let again = try await store.claimDeliveries(
            integrationID: "hook", owner: "a", now: at + 3_600_000, until: at + 3_660_000, limit: 10
        ).map(\.seq)
        try await store.recordDeliveries(
            [
                .init(seq: again[0], result: .dead(reason: "the webhook answered HTTP 400: bad body")),
                .init(seq: again[1], result: .delivered),
            ],
            integrationID: "hook", owner: "a", at: at + 3_600_000)

        let hours = try await store.deliveryHours(integrationID: "hook", since: 0)
        #expect(hours.map(\.hour) == [DeliveryHour.start(of: at), DeliveryHour.start(of: at) + 3_600_000])
        #expect(hours.map(\.delivered) == [2, 1] && hours.map(\.retried) == [2, 0] && hours.map(\.dead) == [0, 1])
        var expected = LatencyHistogram()
        expected.add(at - queuedAt)
        expected.add(at - queuedAt)
        #expect(hours[0].latency == expected)
        #expect(hours[1].latency.total == 1)
        #expect(try await store.deliveryHours(integrationID: "hook", since: DeliveryHour.start(of: at) + 1).count == 1)

        let failures = try await store.deliveryFailures(integrationID: "hook", limit: 10)
        #expect(failures.map(\.kind) == [.dead, .retried])
        #expect(
            failures[0] == DeliveryFailure(at: at + 3_600_000, kind: .dead, rows: 1, message: "the webhook answered HTTP 400: bad body"))
        #expect(failures[1].rows == 2 && failures[1].message.hasPrefix("the webhook answered HTTP 503"))
        #expect(!failures[1].message.contains("PW"))
        #expect(try await store.deliveryFailures(integrationID: "other", limit: 10).isEmpty)
    }

    @Test("the latency histogram adds up across hours and reads percentiles as the bound of their bucket")
    func latencyHistogram() {
        var histogram = LatencyHistogram()
        #expect(histogram.percentile(0.5) == nil)
        for millis: Int64 in [10, 40, 90, 200, 200, 200, 400, 900, 4_000, 4_000_000] { histogram.add(millis) }
        #expect(histogram.percentile(0.5) == 250)
        #expect(histogram.percentile(0.95) == .max)
        #expect(histogram.percentile(0.9) == 5_000)
        var other = LatencyHistogram(stored: histogram.stored)
        #expect(other == histogram)
        other.merge(histogram)
        #expect(other.total == 20 && other.percentile(0.5) == 250)
        #expect(LatencyHistogram(stored: "3,1").counts.prefix(3) == [3, 1, 0])
    }

    @Test("a configuration is applied whole in one transaction, or not at all when one step is refused", arguments: StoreUnderTest.all)
    func configuration(_ kind: StoreUnderTest) async throws {
        let store = try await Self.routed(kind)
        var moved = Self.connector
        moved.intervalSeconds = 900
        var dev = Self.connector
        dev.name = "dev"
        let second = Integration(
            id: "second", name: "second", type: .webhook, config: ["url": .string("https://hooks.example.com/2")], createdBy: "t",
            createdTs: 0)
        let rule = AlertRule(id: "to-second", name: "to second", integrationIDs: ["second"])
        // The last step names an integration that does not exist: nothing before it stays.
        await #expect(throws: StoreError.unknownIntegration("nope")) {
            try await store.applyConfiguration([
                .updateConnector(moved), .addConnector(dev), .addIntegration(second),
                .addRule(AlertRule(id: "bad", name: "bad", integrationIDs: ["nope"])),
            ])
        }
        #expect(try await store.connectors().map(\.name) == ["prod"])
        #expect(try await store.connector(named: "prod")?.intervalSeconds == Self.connector.intervalSeconds)
        #expect(try await store.integration(id: "second") == nil)

        try await store.applyConfiguration([
            .updateConnector(moved), .addConnector(dev), .addIntegration(second), .addRule(rule), .removeRule("all"),
            .removeIntegration("hook"),
        ])
        #expect(try await store.connectors().map(\.name) == ["dev", "prod"])
        #expect(try await store.connector(named: "prod")?.intervalSeconds == 900)
        #expect(try await store.integrations().map(\.id) == ["second"])
        #expect(try await store.rules().map(\.id) == ["to-second"])
        // Secrets are sealed as by the single operations.
        #expect(try await store.connector(named: "dev")?.secretKey == Self.connector.secretKey)
        try await store.applyConfiguration([])
    }
}
