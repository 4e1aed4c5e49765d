import Foundation
import Logging
import PrismaSim
import Relay
import RelayModel
import RelayStore
import Testing

/// A poll that Prisma keeps rate limiting says so while it waits, and gives its window up cleanly at its bound.
@Suite("Poll bound")
struct PollBoundTests {
    final class Notes: @unchecked Sendable {
        private let lock = NSLock()
        private var seen: [String] = []
        var all: [String] { lock.withLock { seen } }
        func add(_ note: String?) { if let note { lock.withLock { seen.append(note) } } }
    }

    @Test(
        "a long run of 429s shows \"rate limited by Prisma Cloud, retrying until HH:MM\" while waiting, and stops at the bound leaving its window"
    )
    func rateLimitedPollStopsAtItsBound() async throws {
        let rig = try await Rig.start(faults: SimFaults(rateLimited: 28))
        defer { Task { await rig.stop() } }
        let ids = await rig.simulator.addAlerts(30, start: rig.clock.now - 3_600_000, spread: 3_000_000)
        let notes = Notes()
        let store = rig.app.store
        // Waits pass on the relay's clock at once; each one's note is read while it "waits".
        var app = RelayApp(
            store: store, clock: { rig.clock.now },
            sleep: { wait in
                notes.add(try await store.state(of: "prod").waiting)
                rig.clock.advance(milliseconds: wait.wholeMilliseconds)
            }, outbound: .allowingLoopback, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        app.maxPollSeconds = 120
        try await app.connectors.add(rig.config())
        let report = try await app.connectors.poll("prod")
        #expect(
            report.error?.contains("stopped at its 2-minute bound (last: rate limited by Prisma Cloud)") == true, "\(report.error ?? "")")
        let first = notes.all.first ?? "none"
        #expect(
            first.wholeMatch(of: /rate limited by Prisma Cloud, retrying until \d\d:\d\d:\d\d UTC/) != nil, "\(first) of \(notes.all.count)"
        )
        let state = try await store.state(of: "prod")
        #expect(state.status == .error && state.waiting == nil && state.cursor == nil)
        // The next poll, once Prisma lets it, collects the whole window.
        await rig.simulator.setFaults(SimFaults())
        let next = try await app.connectors.poll("prod")
        #expect(next.error == nil && next.added == ids.count)
    }
}
