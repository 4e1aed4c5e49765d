import Foundation
import Logging
import Relay
import RelayModel
import RelayStore
import ServiceLifecycle
import Testing

@Suite("Replica heartbeat")
struct ReplicaHeartbeatTests {
    @Test("a serve process beats while it runs, with its host and pid, and says goodbye when it stops gracefully")
    func beatsThenSaysGoodbye() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("relay-heartbeat-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let app = RelayApp(store: try SQLiteStore(path: directory.appendingPathComponent("relay.sqlite").path))
        let group = ServiceGroup(
            configuration: .init(
                services: [ReplicaHeartbeat(app: app, interval: .milliseconds(50))], gracefulShutdownSignals: [],
                logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })))
        let running = Task { try await group.run() }
        let deadline = Date().addingTimeInterval(60)
        var beats: Set<Int64> = []
        while beats.count < 2, Date() < deadline {
            if let replica = try await app.replicas().first { beats.insert(replica.heartbeatAt) }
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(beats.count >= 2, "the heartbeat did not advance")
        let live = try #require(try await app.replicas().first)
        #expect(live.id == app.workerID)
        #expect(live.pid == Int64(ProcessInfo.processInfo.processIdentifier))
        #expect(live.host == ProcessInfo.processInfo.hostName)
        #expect(live.liveness(at: app.clock()) == .running)
        await group.triggerGracefulShutdown()
        try await running.value
        let stopped = try await app.replicas()
        #expect(stopped.count == 1)
        #expect(stopped.first?.liveness(at: app.clock()) == .stopped)
        #expect(stopped.first?.startedAt == live.startedAt)
    }
}
