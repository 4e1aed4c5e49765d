import Foundation
import HTTPServing
import Relay
import RelayModel
import RelayStore
import TestSupport
import Testing

@Suite("Silence is an alert")
struct SilenceTests {
    static let added: Int64 = 1_763_800_000_000

    static func config(stale: Int = 3, quiet: Int = 0, enabled: Bool = true) -> ConnectorConfig {
        var config = ConnectorConfig(
            name: "prod", apiURL: "https://api.prismacloud.io", accessKeyID: "k", secretKey: Secret("s"), intervalSeconds: 300,
            enabled: enabled)
        config.staleAfterPolls = stale
        config.quietAfterSeconds = quiet
        return config
    }

    @Test("no successful poll for more than N intervals, or no new events for longer than allowed, is silence; a disabled connector is not")
    func findings() {
        let ok = ConnectorState(
            status: .active, lastPollAt: Self.added + 600_000, lastSuccessAt: Self.added + 600_000, createdAt: Self.added)
        #expect(Silence.findings(Self.config(), ok, now: Self.added + 600_000 + 15 * 60_000).isEmpty)
        // Past three intervals with no poll ended since: a long poll of a backlog, not silence until even it would have ended.
        #expect(Silence.findings(Self.config(), ok, now: Self.added + 600_000 + 15 * 60_000 + 1).isEmpty)
        let hung = Silence.findings(Self.config(), ok, now: Self.added + 600_000 + 30 * 60_000 + 1)
        #expect(hung.map(\.condition) == [.stale] && hung[0].since == Self.added + 600_000)
        #expect(hung[0].sentence == "Connector prod has not polled successfully for 3 intervals (the last one succeeded 30 min ago)")
        // A poll that failed since: silence as soon as three intervals have passed.
        var failed = ok
        failed.lastPollAt = Self.added + 900_000
        failed.lastError = "Nothing is listening at 127.0.0.1:1 (connection refused): check the API URL"
        let stale = Silence.findings(Self.config(), failed, now: Self.added + 600_000 + 15 * 60_000 + 1)
        #expect(stale.map(\.condition) == [.stale])
        #expect(
            stale[0].sentence.hasSuffix(
                "(the last one succeeded 15 min ago); the last error: Nothing is listening at 127.0.0.1:1 (connection refused): check the API URL"
            ))

        var failing = ConnectorState(status: .error, lastPollAt: Self.added + 60_000, createdAt: Self.added)
        // Never succeeded, and a poll failed: since it was added.
        failing.lastError = "Prisma Cloud refused the access key (HTTP 401): check the key. Detail: POST /login answered 401"
        let never = Silence.findings(Self.config(stale: 1), failing, now: Self.added + 301_000)
        #expect(never.first?.since == Self.added)
        #expect(
            never.first?.sentence
                == "Connector prod has not polled successfully for 1 intervals (no poll has succeeded since it was added); the last error: Prisma Cloud refused the access key (HTTP 401): check the key."
        )

        var quietState = ok
        quietState.lastAddedAt = Self.added
        let quiet = Silence.findings(Self.config(stale: 0, quiet: 3_600), quietState, now: Self.added + 3_600_001)
        #expect(quiet.map(\.condition) == [.quiet] && quiet[0].sentence.hasPrefix("Connector prod has collected no new alerts for 60 min"))
        #expect(Silence.findings(Self.config(enabled: false), failing, now: Self.added + 86_400_000).isEmpty)
        #expect(Silence.findings(Self.config(stale: 0), failing, now: Self.added + 86_400_000).isEmpty)
    }

    @Test("a health event is one alert per connector and condition: each episode opens at its start and resolves as the next version")
    func events() {
        let open = Silence.event(
            Self.config(), condition: .stale, since: Self.added, sentence: "silent", observedAt: Self.added + 1_000_000)
        let resolved = Silence.event(
            Self.config(), condition: .stale, since: Self.added, sentence: "silent", resolvedAt: Self.added + 2_000_000,
            observedAt: Self.added + 2_000_000)
        #expect(open.kind == .health && open.status == "open" && open.severity == .high && open.nativeID == "relay-health:prod:stale")
        #expect(resolved.status == "resolved" && resolved.version == String(Self.added + 1) && resolved.nativeID == open.nativeID)
        #expect(open.id != resolved.id && resolved.updatedMillis > open.updatedMillis)
        #expect(resolved.title == "Connector prod is collecting again (polls succeed)")
    }

    @Test("a connector whose tenant stops answering raises a health event a rule delivers; it resolves once a poll succeeds")
    func endToEnd() async throws {
        let rig = try await Rig.start()
        var config = rig.config()
        config.intervalSeconds = 60
        config.staleAfterPolls = 3
        try await rig.app.connectors.add(config)
        #expect(try await rig.app.connectors.poll("prod").error == nil)

        let receiver = WebhookReceiver(token: "tok")
        let hook = try await receiver.serve()
        defer { Task { await hook.stop() } }
        let integration = try await rig.app.integrations.create(.webhook("soc", url: hook.url + "/hook"), by: "test")
        _ = try await rig.app.rules.create(
            RuleService.Draft(name: "pipe health", notifyOn: ["open", "resolved"], integrationIDs: [integration.id]))
        #expect(try await rig.app.checkSilence().isEmpty)

        // The tenant stops answering; four intervals later the connector is silent.
        await rig.server.stop()
        rig.clock.advance(seconds: 4 * 60)
        #expect(try await rig.app.connectors.poll("prod").error != nil)
        let raised = try await rig.app.checkSilence()
        #expect(raised.map(\.status) == ["open"])
        #expect(raised.first?.title.hasPrefix("Connector prod has not polled successfully for 3 intervals") == true)
        #expect(try await rig.app.checkSilence().isEmpty, "raised twice")
        // The store queues by the wall clock; the engine claims by the rig's: bring the rig's past it.
        rig.clock.advance(milliseconds: max(0, Int64(Date().timeIntervalSince1970 * 1000) - rig.clock.now + 1_000))
        _ = try await rig.app.integrations.deliverDue(integration)
        let delivered = await receiver.received.map(\.body)
        #expect(delivered.map { $0["kind"] } == [.string("health")] && delivered.first?["status"] == .string("open"))

        // Polls succeed again: the event resolves, and the rule sends the resolution.
        rig.clock.advance(seconds: 60)
        #expect(try await rig.app.checkSilence().map(\.status) == [], "silent still: no poll succeeded")
        try await rig.app.store.recordPoll(PollRecord(connector: "prod", startedAt: rig.clock.now, finishedAt: rig.clock.now))
        #expect(try await rig.app.checkSilence().map(\.status) == ["resolved"])
        _ = try await rig.app.integrations.deliverDue(integration)
        #expect(await receiver.received.map { $0.body["status"] } == [.string("open"), .string("resolved")])
        #expect(try await rig.app.checkSilence().isEmpty)
    }
}
