import Delivery
import Foundation
import PrismaSim
import RelayModel
import RelayStore
import TestSupport
import Testing

/// Ordinary outages are waited out: nothing is dead-lettered, the destination is probed rather than hammered, and
/// delivery resumes by itself.
@Suite("Destination outages")
struct OutageTests {
    /// Runs the engine every five simulated seconds for `seconds`, or until `until` holds.
    static func run(_ h: DeliveryHarness, seconds: Int, until: () async throws -> Bool = { false }) async throws {
        for _ in stride(from: 0, to: seconds, by: 5) {
            try await h.engine.deliverDue(h.integration)
            if try await until() { return }
            h.clock.advance(seconds: 5)
        }
    }

    @Test("a receiver down for five minutes gets every event afterwards with nothing dead-lettered; meanwhile it is probed, not hammered")
    func fiveMinuteOutage() async throws {
        let h = try await DeliveryHarness.start(retry: .delivery, settings: DeliverySettings())
        defer { Task { await h.stop() } }
        await h.receiver.setDown(true)
        try await h.ingest((1...300).map { ("P-\($0)", 1, "open") })
        try await Self.run(h, seconds: 300)
        // Sixty rounds of up to 100 requests would be thousands; a down destination gets a probe now and then.
        let whileDown = await h.receiver.requests
        #expect(whileDown < 40, "\(whileDown) requests while down")
        let down = try await h.store.integrationHealth(id: "hook")
        #expect(down.status == .yellow && down.downSince != nil && down.queueDepth == 300)
        #expect(down.message?.contains("Webhook is down since") == true, "\(down.message ?? "")")
        #expect(down.message?.contains("HTTP 503") == true)
        #expect(try await h.store.deadLetters(integrationID: "hook").isEmpty)

        await h.receiver.setDown(false)
        // It resumes by itself within the longest probe wait (ten minutes), with what waited going out at once.
        try await Self.run(h, seconds: 15 * 60) { try await h.store.integrationHealth(id: "hook").queueDepth == 0 }
        let after = try await h.store.integrationHealth(id: "hook")
        #expect(after.queueDepth == 0 && after.status == .green && after.downSince == nil && after.probeAt == nil)
        #expect(Set(await h.receiver.received.compactMap { $0.body["native_id"]?.stringValue }).count == 300)
        #expect(try await h.store.deadLetters(integrationID: "hook").isEmpty)
    }

    @Test(
        "outage-like failures are retried until the age cap however many attempts that takes; the dead letter then keeps the status YELLOW")
    func outagesIgnoreTheAttemptCap() async throws {
        let h = try await DeliveryHarness.start(
            retry: .delivery, settings: DeliverySettings(maxAttempts: 3, maxAgeSeconds: 3600, concurrency: 1))
        defer { Task { await h.stop() } }
        await h.receiver.setDown(true)
        try await h.ingest([("P-1", 1, "open")])
        try await Self.run(h, seconds: 50 * 60)
        #expect(try await h.store.deadLetters(integrationID: "hook").isEmpty)
        // Probes and the row's own retries come at most ten minutes apart, so one falls past the cap.
        try await Self.run(h, seconds: 25 * 60)
        let dead = try await h.store.deadLetters(integrationID: "hook")
        #expect(dead.count == 1 && dead.first?.reason.contains("older than the 60 minute age cap") == true, "\(dead)")
        #expect((dead.first?.attempts ?? 0) > 3, "the attempt cap of 3 does not end an outage")
        // A dead letter keeps the integration YELLOW, with the reason, even once it delivers again.
        await h.receiver.setDown(false)
        try await h.ingest([("P-2", 1, "open")])
        try await Self.run(h, seconds: 15 * 60) { await h.receiver.received.count == 1 }
        let health = try await h.store.integrationHealth(id: "hook")
        #expect(health.status == .yellow && health.deadLetters == 1, "\(health)")
        #expect(health.message?.contains("1 event is in the dead letters (latest: gave up after") == true, "\(health.message ?? "")")
    }
}
