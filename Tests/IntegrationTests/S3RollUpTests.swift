import CompressNIO
import Delivery
import Foundation
import NIOCore
import PrismaSim
import RelayHTTP
import RelayModel
import RelayStore
import TestSupport
import Testing

@Suite("Amazon S3 roll-up against moto_server")
struct S3RollUpTests {
    static func rig(bucket: String, account: Moto.Account, externalID: String? = nil) async throws -> DeliveryRig {
        try await Moto.shared.createBucket(bucket)
        // Start on a window boundary, so the test knows which events share a window.
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        return try await DeliveryRig.start(
            .awsS3,
            config: .object([
                "s3Uri": .string("s3://\(bucket)/prisma/"), "region": .string("us-east-1"), "roleArn": .string(account.roleArn),
                "externalId": .string(externalID ?? account.externalID), "rollUpInterval": .int(15),
            ]), environment: account.environment, startingAt: now - now % 900_000)
    }

    /// Every event id in every object under the prefix, by key.
    static func stored(bucket: String) async throws -> [String: [String]] {
        var byKey: [String: [String]] = [:]
        for key in try await Moto.shared.keys(bucket: bucket, prefix: "prisma/") {
            var buffer = ByteBuffer(bytes: try await Moto.shared.object(bucket: bucket, key: key))
            let lines = try buffer.decompress(with: .gzip())
            byKey[key] = String(buffer: lines).split(separator: "\n").compactMap { try? JSONValue.parse(Array($0.utf8))["id"]?.stringValue }
        }
        return byKey
    }

    @Test("events wait for their window to close, then land as one gzip'd NDJSON object per window with a deterministic key")
    func windows() async throws {
        let account = try await Moto.shared.setUp()
        let bucket = "relay-\(UUID().uuidString.prefix(8).lowercased())"
        let rig = try await Self.rig(bucket: bucket, account: account)
        let start = rig.clock.now
        for id in 1...5 { try await rig.alert("P-\(id)") }
        try await rig.engine.deliverDue(rig.integration)
        #expect(try await Self.stored(bucket: bucket).isEmpty)
        #expect(try await rig.health.queueDepth == 5)
        rig.clock.advance(seconds: 600)
        for id in 6...8 { try await rig.alert("P-\(id)") }
        rig.clock.advance(seconds: 300)
        // The first window has closed; events queued after it wait for the next.
        for id in 9...10 { try await rig.alert("P-\(id)") }
        try await rig.engine.deliverDue(rig.integration)
        var objects = try await Self.stored(bucket: bucket)
        let first = RollUp.key(prefix: "prisma/", integrationID: "aws_s3", windowStart: start, part: 1)
        #expect(Array(objects.keys) == [first])
        #expect(objects[first]?.count == 8)
        rig.clock.advance(seconds: 900)
        try await rig.engine.deliverDue(rig.integration)
        objects = try await Self.stored(bucket: bucket)
        #expect(objects.count == 2 && objects.values.map(\.count).reduce(0, +) == 10)
        let health = try await rig.health
        #expect(health.queueDepth == 0 && health.delivered == 10)
    }

    @Test("10,000 events over four windows land each exactly once, also when the relay dies after an upload and mid-window")
    func tenThousandWithACrash() async throws {
        let account = try await Moto.shared.setUp()
        let bucket = "relay-\(UUID().uuidString.prefix(8).lowercased())"
        let rig = try await Self.rig(bucket: bucket, account: account)
        var expected: Set<String> = []
        for window in 0..<4 {
            let events = try (0..<2_500).map { index in
                try AlertNormalizer.normalize(
                    try JSONValue.parse(
                        #"{"id":"P-\#(window)-\#(index)","status":"open","lastUpdated":1,"policy":{"name":"p","severity":"high"}}"#),
                    connector: "prod", observedAt: rig.clock.now)
            }
            expected.formUnion(events.map(\.id))
            _ = try await rig.store.commit(events: events, connector: "prod", cursor: nil)
            if window < 3 { rig.clock.advance(seconds: 900) }
        }
        // The relay uploads the first closed window's object, then dies before recording it.
        let first = try #require(await rig.engine.destination(for: rig.integration))
        // (Its claim is taken to have run out by the time it restarts.)
        let due = try await rig.store.claimDeliveries(
            integrationID: rig.integration.id, owner: "dead worker", now: rig.clock.now, until: rig.clock.now, limit: 5_000)
        #expect(
            await first.deliver(Array(due.prefix(first.split(due)[0])), over: HTTPExchange(policy: .allowingLoopback)) == .all(.delivered))
        // Restarted, it sends the three closed windows (the first one's key is overwritten) and holds the open one;
        // then it dies again in the middle of that window.
        let restarted = DeliveryEngine(
            store: rig.store, http: HTTPExchange(policy: .allowingLoopback), clock: { rig.clock.now }, environment: account.environment)
        while try await restarted.deliverDue(rig.integration) > 0 {}
        #expect(try await Self.stored(bucket: bucket).count == 3)
        #expect(try await rig.health.queueDepth == 2_500)
        // Started once more after the window has closed, it writes the last object.
        rig.clock.advance(seconds: 900)
        let again = DeliveryEngine(
            store: rig.store, http: HTTPExchange(policy: .allowingLoopback), clock: { rig.clock.now }, environment: account.environment)
        while try await again.deliverDue(rig.integration) > 0 {}
        let objects = try await Self.stored(bucket: bucket)
        let ids = objects.values.flatMap { $0 }
        #expect(ids.count == 10_000)
        #expect(Set(ids).symmetricDifference(expected).count == 0)
        #expect(objects.count == 4)
        #expect(try await rig.health.queueDepth == 0)
    }

    @Test("a role that refuses the external ID pauses the integration and says what to check; nothing is lost")
    func wrongExternalID() async throws {
        let account = try await Moto.shared.setUp()
        let bucket = "relay-\(UUID().uuidString.prefix(8).lowercased())"
        let rig = try await Self.rig(bucket: bucket, account: account, externalID: UUID().uuidString.lowercased())
        try await rig.alert("P-1")
        rig.clock.advance(seconds: 900)
        try await rig.engine.deliverDue(rig.integration)
        let health = try await rig.health
        #expect(health.status == .red && health.paused && health.queueDepth == 1)
        #expect(health.message?.contains("AccessDenied") == true && health.message?.contains("trust policy") == true)
    }

    @Test("Test writes a test object at once, outside the windows")
    func testObject() async throws {
        let account = try await Moto.shared.setUp()
        let bucket = "relay-\(UUID().uuidString.prefix(8).lowercased())"
        let rig = try await Self.rig(bucket: bucket, account: account)
        let result = try #require(try await rig.engine.test(rig.integration))
        #expect(result.success)
        #expect(try await Moto.shared.keys(bucket: bucket, prefix: "prisma/") == ["prisma/prisma-relay-test-aws_s3.json.gz"])
    }
}
