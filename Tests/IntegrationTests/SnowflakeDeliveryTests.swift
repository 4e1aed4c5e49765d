import Delivery
import Foundation
import HTTPServing
import PrismaSim
import RelayModel
import RelayStore
import TestSupport
import Testing

@Suite("Snowflake delivery: staged in S3 on moto_server, loaded through a strict Snowpipe")
struct SnowflakeDeliveryTests {
    static func key(_ name: String) throws -> String {
        try String(
            contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
                "../DeliveryTests/Reference/\(name)"),
            encoding: .utf8)
    }

    /// A Snowflake integration staging through a new S3 integration (bucket on moto), and a Snowpipe receiver.
    static func start(pipe: String = "SECURITY.PRISMA.ALERTS", staging: Bool = true) async throws
        -> (DeliveryRig, SnowpipeReceiver, HTTPServerHandle, bucket: String)
    {
        let account = try await Moto.shared.setUp()
        let bucket = "stage-\(UUID().uuidString.prefix(8).lowercased())"
        try await Moto.shared.createBucket(bucket)
        let snowpipe = try SnowpipeReceiver(
            account: "XY12345", user: "RELAY_USER", publicKeyPEM: try key("test-rsa-key.pub.pem"), pipe: "SECURITY.PRISMA.ALERTS")
        let server = try await snowpipe.serve()
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let rig = try await DeliveryRig.start(
            .snowflake,
            config: .object([
                "username": .string("xy12345.relay_user"), "hostUrl": .string(server.url), "pipename": .string(pipe),
                "stagingIntegrationId": .string("stage-s3"), "privateKey": .string(try key("test-rsa-key-encrypted.pem")),
                "passphrase": .string("relay-test-passphrase"), "rollUpInterval": .int(15),
                // Two windows back, so that the clock stays behind the wall clock (which Snowpipe checks a JWT's iat
                // against) however far the tests move it.
            ]), environment: account.environment, startingAt: now - now % 900_000 - 1_800_000)
        if staging {
            try await rig.store.addIntegration(
                Integration(
                    id: "stage-s3", name: "stage", type: .awsS3,
                    config: try DestinationRegistry.standard.schema(.awsS3).validate(
                        .object([
                            "s3Uri": .string("s3://\(bucket)/snowpipe/"), "region": .string("us-east-1"),
                            "roleArn": .string(account.roleArn),
                            "externalId": .string(account.externalID),
                        ])), createdBy: "test", createdTs: now))
        }
        return (rig, snowpipe, server, bucket)
    }

    @Test("a closed window's file is staged under the stage's prefix and Snowpipe is asked to load its relative path")
    func stagesAndLoads() async throws {
        let (rig, snowpipe, server, bucket) = try await Self.start()
        defer { Task { await server.stop() } }
        for id in 1...4 { try await rig.alert("P-\(id)") }
        try await rig.engine.deliverDue(rig.integration)
        #expect(await snowpipe.files.isEmpty)
        rig.clock.advance(seconds: 900)
        try await rig.engine.deliverDue(rig.integration)
        let files = await snowpipe.files
        #expect(files.count == 1)
        let keys = try await Moto.shared.keys(bucket: bucket, prefix: "snowpipe/")
        #expect(keys == files.map { "snowpipe/" + $0 })
        #expect(try await rig.health.delivered == 4)
    }

    @Test("Snowpipe's 503 is retried: the same file is staged again under the same key and loaded once queued")
    func retried() async throws {
        let (rig, snowpipe, server, bucket) = try await Self.start()
        defer { Task { await server.stop() } }
        await snowpipe.fail(with: [503])
        try await rig.alert("P-1")
        rig.clock.advance(seconds: 900)
        try await rig.drain(rounds: 3)
        #expect(await snowpipe.files.count == 1)
        #expect(try await Moto.shared.keys(bucket: bucket, prefix: "snowpipe/").count == 1)
    }

    @Test("an unknown pipe, or a staging id that names no S3 integration, pauses with what to fix")
    func misconfigured() async throws {
        let (wrongPipe, _, server, _) = try await Self.start(pipe: "SECURITY.PRISMA.NOPE")
        defer { Task { await server.stop() } }
        try await wrongPipe.alert("P-1")
        wrongPipe.clock.advance(seconds: 900)
        try await wrongPipe.drain(rounds: 1)
        #expect(try await wrongPipe.health.message?.contains("check pipename") == true)

        let (noStage, _, other, _) = try await Self.start(staging: false)
        defer { Task { await other.stop() } }
        try await noStage.alert("P-1")
        noStage.clock.advance(seconds: 900)
        try await noStage.drain(rounds: 1)
        let health = try await noStage.health
        #expect(health.paused && health.message?.contains("stagingIntegrationId stage-s3 names no aws_s3 integration") == true)
    }
}
