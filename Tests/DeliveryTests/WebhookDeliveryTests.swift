import Foundation
import HTTPServing
import PrismaSim
import RelayHTTP
import RelayModel
import RelayStore
import TestSupport
import Testing

@testable import Delivery

@Suite("Webhook delivery")
struct WebhookDeliveryTests {
    @Test("delivers each queued event with the bearer token, the headers and an Idempotency-Key")
    func delivers() async throws {
        let h = try await DeliveryHarness.start()
        defer { Task { await h.stop() } }
        try await h.ingest([("P-1", 1, "open"), ("P-2", 1, "open")])
        #expect(try await h.engine.deliverDue(h.integration) == 2)
        let received = await h.receiver.received
        #expect(received.map { $0.body["native_id"]?.stringValue } == ["P-1", "P-2"])
        #expect(try #require(received.first).headers["idempotency-key"]?.hasPrefix("evt_") == true)
        #expect(try await h.store.integrationHealth(id: "hook").delivered == 2)
        #expect(try await h.store.integrationHealth(id: "hook").queueDepth == 0)
    }

    @Test("format prisma posts Prisma's own notification, an array of alerts; format ocsf posts a Detection Finding")
    func formats() async throws {
        let prisma = try await DeliveryHarness.start(extra: ["format": .string("prisma")])
        defer { Task { await prisma.stop() } }
        try await prisma.ingest([("P-1", 1, "open")])
        #expect(try await prisma.engine.deliverDue(prisma.integration) == 1)
        let body = try #require(await prisma.receiver.received.first?.body)
        #expect(body.arrayValue?.count == 1 && body.arrayValue?.first?["alertId"] == .string("P-1"), "\(body)")
        #expect(body.arrayValue?.first?["alertStatus"] == .string("open"))

        let ocsf = try await DeliveryHarness.start(extra: ["format": .string("ocsf")])
        defer { Task { await ocsf.stop() } }
        try await ocsf.ingest([("P-2", 1, "open")])
        #expect(try await ocsf.engine.deliverDue(ocsf.integration) == 1)
        let finding = try #require(await ocsf.receiver.received.first?.body)
        #expect(finding["class_uid"] == .int(2004) && finding["finding_info"]?["uid"] == .string("P-2"), "\(finding)")
    }

    @Test("retries on 503 then delivers, honouring Retry-After")
    func retriesOn503() async throws {
        let h = try await DeliveryHarness.start()
        defer { Task { await h.stop() } }
        await h.receiver.fail(with: [.init(503, retryAfter: 30), .init(503, retryAfter: 30)])
        try await h.ingest([("P-1", 1, "open")])
        try await h.engine.deliverDue(h.integration)
        var health = try await h.store.integrationHealth(id: "hook")
        #expect(health.status == .yellow && health.queueDepth == 1 && health.statusCode == 503)
        // Not due before Retry-After has passed.
        h.clock.advance(seconds: 29)
        #expect(try await h.engine.deliverDue(h.integration) == 0)
        h.clock.advance(seconds: 31 + 60)
        try await h.engine.deliverDue(h.integration)
        h.clock.advance(seconds: 120)
        try await h.engine.deliverDue(h.integration)
        health = try await h.store.integrationHealth(id: "hook")
        #expect(health.status == .green && health.delivered == 1 && health.queueDepth == 0)
        #expect(await h.receiver.received.count == 1)
        #expect(await h.receiver.requests == 3)
    }

    @Test("drops on 400 into the dead letters with the reason, without retrying")
    func deadLetterOn400() async throws {
        let h = try await DeliveryHarness.start()
        defer { Task { await h.stop() } }
        await h.receiver.fail(with: [.init(400)])
        try await h.ingest([("P-1", 1, "open")])
        try await h.engine.deliverDue(h.integration)
        let dead = try await h.store.deadLetters(integrationID: "hook")
        #expect(dead.count == 1)
        #expect(dead[0].reason.contains("HTTP 400"))
        h.clock.advance(seconds: 3600)
        #expect(try await h.engine.deliverDue(h.integration) == 0)
        #expect(await h.receiver.requests == 1)
        // An operator fixes the cause and sends it again; a discarded letter stays on record.
        #expect(try await h.store.retryDeadLetters(integrationID: "hook", seq: dead[0].seq) == 1)
        #expect(try await h.engine.deliverDue(h.integration) == 1)
        #expect(await h.receiver.received.count == 1)
        #expect(try await h.store.deadLetters(integrationID: "hook").isEmpty)
        #expect(try await h.store.discardDeadLetter(integrationID: "hook", seq: dead[0].seq) == false)
    }

    @Test("gives up after the attempt cap into the dead letters, never dropping silently")
    func attemptCap() async throws {
        let h = try await DeliveryHarness.start(
            retry: RetryPolicy(baseDelay: .seconds(1), maxDelay: .seconds(1)), settings: DeliverySettings(maxAttempts: 3, concurrency: 1))
        defer { Task { await h.stop() } }
        await h.receiver.fail(with: Array(repeating: .init(500), count: 10))
        try await h.ingest([("P-1", 1, "open")])
        for _ in 0..<5 {
            try await h.engine.deliverDue(h.integration)
            h.clock.advance(seconds: 5)
        }
        let dead = try await h.store.deadLetters(integrationID: "hook")
        #expect(dead.map(\.attempts) == [3])
        #expect(dead.first?.reason.hasPrefix("gave up after 3 attempts") == true)
    }

    @Test("gives up once an event is older than the age cap, into the dead letters with the reason")
    func ageCap() async throws {
        let h = try await DeliveryHarness.start(settings: DeliverySettings(maxAttempts: 100, maxAgeSeconds: 600, concurrency: 1))
        defer { Task { await h.stop() } }
        await h.receiver.fail(with: Array(repeating: .init(503), count: 100))
        try await h.ingest([("P-1", 1, "open")])
        try await h.engine.deliverDue(h.integration)
        h.clock.advance(seconds: 300)
        try await h.engine.deliverDue(h.integration)
        #expect(try await h.store.deadLetters(integrationID: "hook").isEmpty)
        h.clock.advance(seconds: 301)
        try await h.engine.deliverDue(h.integration)
        let dead = try await h.store.deadLetters(integrationID: "hook")
        #expect(dead.map(\.attempts) == [3])
        #expect(dead.first?.reason.hasPrefix("gave up after 3 attempts (older than the 10 minute age cap): ") == true)
        #expect(try await h.store.integrationHealth(id: "hook").queueDepth == 0)
    }

    @Test("pauses on 401 with status RED, keeps the queue, and resumes after the config is fixed")
    func pausesOn401() async throws {
        let h = try await DeliveryHarness.start(token: "wrong-token")
        defer { Task { await h.stop() } }
        try await h.ingest([("P-1", 1, "open"), ("P-2", 1, "open"), ("P-3", 1, "open")])
        try await h.engine.deliverDue(h.integration)
        var health = try await h.store.integrationHealth(id: "hook")
        #expect(health.status == .red && health.paused && health.statusCode == 401 && health.queueDepth == 3)
        #expect(await h.receiver.requests == 1)
        #expect(try await h.engine.deliverDue(h.integration) == 0)
        var fixed = h.integration
        fixed.config["authToken"] = .string("hook-token")
        try await h.store.updateIntegration(fixed)
        #expect(try await h.engine.deliverDue(fixed) == 3)
        health = try await h.store.integrationHealth(id: "hook")
        #expect(health.status == .green && !health.paused && health.delivered == 3)
    }

    @Test("nothing at the URL (404) pauses with the reason and keeps the queue, dead-lettering nothing; a Test that passes resumes it")
    func pausesOn404() async throws {
        let h = try await DeliveryHarness.start()
        defer { Task { await h.stop() } }
        await h.receiver.fail(with: [.init(404)])
        try await h.ingest([("P-1", 1, "open"), ("P-2", 1, "open"), ("P-3", 1, "open")])
        try await h.engine.deliverDue(h.integration)
        var health = try await h.store.integrationHealth(id: "hook")
        #expect(health.status == .red && health.paused && health.statusCode == 404 && health.queueDepth == 3, "\(health)")
        #expect(
            health.message?.hasPrefix("The webhook has nothing at the integration's URL (HTTP 404): check the URL, path included") == true)
        #expect(try await h.store.deadLetters(integrationID: "hook").isEmpty)
        #expect(try await h.engine.deliverDue(h.integration) == 0)
        #expect(await h.receiver.requests == 1)
        // The operator fixes the URL (here the receiver answers again) and runs Test.
        #expect(try await h.engine.test(h.integration)?.success == true)
        #expect(try await h.engine.deliverDue(h.integration) == 3)
        health = try await h.store.integrationHealth(id: "hook")
        #expect(health.status == .green && !health.paused && health.delivered == 3)
    }

    @Test("a resolve never overtakes its trigger: later events of an alert wait while an earlier one retries")
    func orderPerAlert() async throws {
        let h = try await DeliveryHarness.start()
        defer { Task { await h.stop() } }
        await h.receiver.fail(with: [.init(503)])
        try await h.ingest([("P-1", 1, "open"), ("P-2", 1, "open")])
        try await h.ingest([("P-1", 2, "resolved")])
        try await h.engine.deliverDue(h.integration)
        #expect(await h.receiver.received.map { $0.body["native_id"]?.stringValue } == ["P-2"])
        h.clock.advance(seconds: 120)
        // The trigger goes first; the resolve becomes due in the next round, once the trigger is settled.
        try await h.engine.deliverDue(h.integration)
        try await h.engine.deliverDue(h.integration)
        let order = await h.receiver.received.map { "\($0.body["native_id"]?.stringValue ?? "")/\($0.body["status"]?.stringValue ?? "")" }
        #expect(order == ["P-2/open", "P-1/open", "P-1/resolved"])
    }

    @Test("with several requests in flight, each alert's events still arrive in order")
    func parallelKeepsOrder() async throws {
        let h = try await DeliveryHarness.start()
        defer { Task { await h.stop() } }
        let engine = DeliveryEngine(
            store: h.store, http: HTTPExchange(policy: .allowingLoopback), settings: DeliverySettings(concurrency: 8),
            clock: { h.clock.now })
        let ids = (1...30).map { "P-\($0)" }
        try await h.ingest(ids.map { ($0, 1, "open") })
        try await h.ingest(ids.map { ($0, 2, "resolved") })
        while try await engine.deliverDue(h.integration) > 0 {}
        let arrived = await h.receiver.received.compactMap { event -> String? in
            guard let id = event.body["native_id"]?.stringValue, let status = event.body["status"]?.stringValue else { return nil }
            return "\(id)/\(status)"
        }
        #expect(arrived.count == 60)
        for id in ids {
            let open = try #require(arrived.firstIndex(of: "\(id)/open"))
            let resolved = try #require(arrived.firstIndex(of: "\(id)/resolved"))
            #expect(open < resolved)
        }
    }

    @Test("the next rows are claimed while batches are in flight, so a free send slot does not wait for a claim")
    func claimsAheadOfTheBatchesInFlight() async throws {
        let h = try await DeliveryHarness.start()
        defer { Task { await h.stop() } }
        await h.receiver.hold()
        try await h.ingest((1...4).map { ("P-\($0)", 1, "open") })
        // The engine's claims, as the store counts them for a replica.
        var engine = h.engine
        engine.roundTime = .seconds(60)
        let worker = engine.workerID
        try await h.store.recordHeartbeat(
            Replica(id: worker, host: "test", pid: 1, version: "test", startedAt: h.clock.now, heartbeatAt: h.clock.now))
        func claimed() async throws -> Int {
            try await h.store.replicas(now: h.clock.now).first { $0.id == worker }?.claimedDeliveries ?? 0
        }
        // One slot and a row a claim: P-1 goes out and is held unanswered. Meanwhile the round claims P-2, which waits
        // for the slot, then P-3, and then no more: two batches wait for one slot.
        let round = Task { [engine] in try await engine.deliverDue(h.integration, limit: 1) }
        let deadline = ContinuousClock.now + .seconds(20)
        while try await claimed() < 3, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        #expect(await h.receiver.inFlight == 1)
        #expect(try await claimed() == 3)
        let other = try await h.store.claimDeliveries(
            integrationID: "hook", owner: "other", now: h.clock.now, until: h.clock.now + 60_000, limit: 10)
        #expect(other.map(\.event.nativeID) == ["P-4"])
        await h.receiver.release()
        #expect(try await round.value == 3)
        #expect(await h.receiver.received.compactMap { $0.body["native_id"]?.stringValue } == ["P-1", "P-2", "P-3"])
    }

    @Test("with batchSize, events go as JSON arrays of up to that many, keyed by a digest of their ids")
    func arrayBatches() async throws {
        let receiver = WebhookReceiver(token: "tok")
        let server = try await receiver.serve()
        defer { Task { await server.stop() } }
        let rig = try await DeliveryRig.start(
            .webhook, config: .object(["url": .string(server.url + "/hook"), "authToken": .string("tok"), "batchSize": .string("3")]))
        for id in 1...7 { try await rig.alert("P-\(id)") }
        #expect(try await rig.engine.deliverDue(rig.integration) == 7)
        let received = await receiver.received
        #expect(received.compactMap { $0.body.arrayValue?.count }.sorted() == [1, 3, 3])
        let ids = received.flatMap { $0.body.arrayValue ?? [] }.compactMap { $0["native_id"]?.stringValue }
        #expect(Set(ids) == Set((1...7).map { "P-\($0)" }) && ids.count == 7)
        let keys = received.compactMap { $0.headers["idempotency-key"] }
        #expect(keys.count == 3 && Set(keys).count == 3 && keys.allSatisfy { $0.hasPrefix("batch_") })
    }

    @Test("batchSize must be a whole number from 1 to 100, named in the error")
    func batchSizeValidation() {
        #expect(throws: ConfigErrors.self) {
            try DestinationRegistry.standard.schema(.webhook).validate(
                .object(["url": .string("https://h.example.com"), "authToken": .string("t"), "batchSize": .int(500)]))
        }
        do {
            _ = try DestinationRegistry.standard.schema(.webhook).validate(
                .object(["url": .string("https://h.example.com"), "authToken": .string("t"), "batchSize": .string("many")]))
            Issue.record("batchSize \"many\" was accepted")
        } catch {
            #expect(error.description == "integrationConfig.batchSize: must be a whole number from 1 to 100")
        }
    }

    @Test("the request is exact: URL, headers and body for a fixed event")
    func golden() throws {
        let event = try AlertNormalizer.normalize(
            try JSONValue.parse(
                #"{"id":"P-7","status":"open","lastUpdated":5,"policy":{"name":"S3 public","severity":"critical"},"resource":{"id":"b-1","cloudType":"aws"}}"#
            ),
            connector: "prod", observedAt: 0)
        let destination = WebhookDestination(config: [
            "url": .string("https://hooks.example.com/in"), "authToken": .string("tok"),
            "headers": .array([.object(["key": .string("X-Env"), "value": .string("prod")])]),
        ])
        let request = try destination.request(for: [event])
        #expect(request.url == "https://hooks.example.com/in")
        #expect(
            request.headers.map { "\($0.0): \($0.1)" } == [
                "Content-Type: application/json", "Idempotency-Key: \(event.id)", "Authorization: Bearer tok", "X-Env: prod",
            ])
        #expect(request.body == event.jsonValue.jsonBytes())
        let custom = WebhookDestination(config: [
            "url": .string("https://hooks.example.com/in"), "isCustomPayloadEnabled": .bool(true),
            "customPayloads": .object([
                "CS": .string(#"[{"resourceId":"${ResourceId}","policy":"${PolicyName}","sev":"${Severity}","x":"${Unknown}"}]"#)
            ]),
        ])
        #expect(
            String(decoding: try custom.request(for: [event]).body, as: UTF8.self)
                == #"[{"resourceId":"b-1","policy":"S3 public","sev":"critical","x":"${Unknown}"}]"#)
        var second = event
        second.id = "evt_2"
        let batched = WebhookDestination(config: ["url": .string("https://hooks.example.com/in"), "batchSize": .int(10)])
        let batch = try batched.request(for: [event, second])
        #expect(
            batch.headers.map { "\($0.0): \($0.1)" } == [
                "Content-Type: application/json", "Idempotency-Key: batch_" + EventID.digest([event.id, "evt_2"]),
            ])
        #expect(
            String(decoding: batch.body, as: UTF8.self) == "[" + event.jsonValue.jsonString() + "," + second.jsonValue.jsonString() + "]")
    }

    @Test("a failed Test turns a GREEN integration YELLOW with the reason; a passing Test or a delivery turns it GREEN again")
    func failedTestShowsInStatus() async throws {
        let hook = try await DeliveryHarness.start()
        defer { Task { await hook.stop() } }
        await hook.receiver.fail(with: [.init(500)])
        let failed = try #require(try await hook.engine.test(hook.integration))
        #expect(!failed.success)
        var health = try await hook.store.integrationHealth(id: "hook")
        #expect(health.status == .yellow && !health.paused)
        #expect(
            health.message?.hasPrefix("The last Test failed: The webhook is having trouble (HTTP 500)") == true, "\(health.message ?? "")")
        #expect(try #require(try await hook.engine.test(hook.integration)).success)
        #expect(try await hook.store.integrationHealth(id: "hook").status == .green)

        await hook.receiver.fail(with: [.init(500)])
        _ = try await hook.engine.test(hook.integration)
        #expect(try await hook.store.integrationHealth(id: "hook").status == .yellow)
        try await hook.ingest([(id: "P-1", version: 1, status: "open")])
        try await hook.engine.deliverDue(hook.integration)
        health = try await hook.store.integrationHealth(id: "hook")
        #expect(health.status == .green && health.message == nil, "\(health)")
    }
}
