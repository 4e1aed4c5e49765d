import Delivery
import Foundation
import HTTPServing
import RelayModel
import TestSupport
import Testing

@Suite("delivery loop")
struct DeliveryServiceTests {
    @Test("an event stored while the loop waits for its tick goes out at once, not at the tick")
    func wakesOnCommit() async throws {
        let receiver = SplunkHECReceiver(token: SplunkDeliveryTests.token)
        let server = try await receiver.serve()
        defer { Task { await server.stop() } }
        let rig = try await DeliveryRig.start(
            .splunk, config: .object(["url": .string(server.url), "authToken": .string(SplunkDeliveryTests.token)]))
        // A tick of an hour: only the store's signal can start the round that sends the event within the test.
        let service = DeliveryService(engine: rig.engine, store: rig.store, tick: .seconds(3_600))
        let loop = Task { try await service.run() }
        defer { loop.cancel() }
        // The loop's first round finds nothing, and it waits.
        try await Task.sleep(for: .milliseconds(200))
        let stored = ContinuousClock.now
        try await rig.alert("P-1")
        while await receiver.nativeIDs.isEmpty, stored.duration(to: .now) < .seconds(120) {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(await receiver.nativeIDs == ["P-1"])
        #expect(stored.duration(to: .now) < .seconds(60))
    }
}
