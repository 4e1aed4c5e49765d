import Delivery
import Foundation
import RelayModel
import RelayStore
import TestSupport
import Testing

@Suite("Amazon SQS delivery against moto_server")
struct SQSDeliveryTests {
    static func rig(queueURL: String, _ credentials: [String: JSONValue], account: Moto.Account) async throws -> DeliveryRig {
        var config: JSONObject = ["queueUrl": .string(queueURL)]
        for (key, value) in credentials { config[key] = value }
        if !credentials.isEmpty { config["moreInfo"] = .bool(true) }
        return try await DeliveryRig.start(
            .amazonSQS, config: .object(config), environment: account.environment, startingAt: Int64(Date().timeIntervalSince1970 * 1000))
    }

    @Test("events go in batches of up to 10 as the normalized event, with severity and status attributes")
    func batches() async throws {
        let account = try await Moto.shared.setUp()
        let queue = try await Moto.shared.createQueue("relay-\(UUID().uuidString.prefix(8))")
        let rig = try await Self.rig(queueURL: queue, [:], account: account)
        for id in 1...23 { try await rig.alert("P-\(id)") }
        #expect(try await rig.engine.deliverDue(rig.integration) == 23)
        #expect(try await rig.health.delivered == 23)
        let messages = try await Moto.shared.drain(queue)
        let ids = messages.compactMap { try? JSONValue.parse(Array(($0["Body"]?.stringValue ?? "").utf8))["native_id"]?.stringValue }
        #expect(Set(ids) == Set((1...23).map { "P-\($0)" }) && ids.count == 23)
        #expect(messages.first?["MessageAttributes"]?["severity"]?["StringValue"] == .string("high"))
    }

    @Test("a FIFO queue gets the connector and alert id as MessageGroupId and the event id as MessageDeduplicationId")
    func fifo() async throws {
        let account = try await Moto.shared.setUp()
        let queue = try await Moto.shared.createQueue("relay-\(UUID().uuidString.prefix(8)).fifo")
        let rig = try await Self.rig(queueURL: queue, [:], account: account)
        try await rig.alert("P-1")
        try await rig.alert("P-2")
        try await rig.drain(rounds: 1)
        let messages = try await Moto.shared.drain(queue)
        #expect(messages.compactMap { $0["Attributes"]?["MessageGroupId"]?.stringValue }.sorted() == ["prod/P-1", "prod/P-2"])
        let dedup = messages.compactMap { $0["Attributes"]?["MessageDeduplicationId"]?.stringValue }
        #expect(dedup.count == 2 && dedup.allSatisfy { $0.hasPrefix("evt_") })
    }

    @Test("a wrong secretKey pauses the integration with AWS's SignatureDoesNotMatch; the fixed key delivers the queue")
    func wrongSecretPauses() async throws {
        let account = try await Moto.shared.setUp()
        let queue = try await Moto.shared.createQueue("relay-\(UUID().uuidString.prefix(8))")
        let rig = try await Self.rig(
            queueURL: queue, ["accessKey": .string(account.user.accessKeyID), "secretKey": .string("wrong")], account: account)
        try await rig.alert("P-1")
        try await rig.drain(rounds: 2)
        let health = try await rig.health
        #expect(health.status == .red && health.paused && health.queueDepth == 1)
        #expect(health.message?.contains("SignatureDoesNotMatch") == true)
        var fixed = rig.integration
        fixed.config["secretKey"] = .string(account.user.secretAccessKey)
        try await rig.store.updateIntegration(fixed)
        try await rig.engine.deliverDue(fixed)
        #expect(try await Moto.shared.drain(queue).count == 1)
        #expect(try await rig.health.delivered == 1)
    }

    @Test("the role is assumed with its external ID when moreInfo names one")
    func assumedRole() async throws {
        let account = try await Moto.shared.setUp()
        let queue = try await Moto.shared.createQueue("relay-\(UUID().uuidString.prefix(8))")
        let rig = try await Self.rig(
            queueURL: queue, ["roleArn": .string(account.roleArn), "externalId": .string(account.externalID)], account: account)
        try await rig.alert("P-1")
        try await rig.drain(rounds: 1)
        #expect(try await Moto.shared.drain(queue).count == 1)
    }

    @Test("a queue that does not exist pauses the integration with a message naming queueUrl")
    func missingQueue() async throws {
        let account = try await Moto.shared.setUp()
        let rig = try await Self.rig(queueURL: account.url + "/123456789012/no-such-queue", [:], account: account)
        try await rig.alert("P-1")
        try await rig.drain(rounds: 1)
        let health = try await rig.health
        #expect(health.paused && health.message?.contains("check queueUrl") == true)
        #expect(health.message?.contains("QueueDoesNotExist") == true || health.message?.contains("NonExistentQueue") == true)
    }
}
