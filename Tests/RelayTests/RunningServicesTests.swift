import RelayStore
import ServiceLifecycle
import TestSupport
import Testing

@testable import Relay

/// What a forced stop names: the background services whose `run` has not returned.
@Suite("Running background services")
struct RunningServicesTests {
    /// A service that runs until it is let go.
    struct Held: Service {
        let release: AsyncStream<Void>
        func run() async throws { for await _ in release { return } }
    }

    @Test("a tracked service is listed while it runs and not once it has returned, however it ended")
    func trackedWhileRunning() async throws {
        let services = RunningServices()
        let (stream, release) = AsyncStream<Void>.makeStream()
        let (other, releaseOther) = AsyncStream<Void>.makeStream()
        let poller = Task { try await services.tracking(Held(release: stream), as: "poll scheduler").run() }
        let delivery = Task { try await services.tracking(Held(release: other), as: "delivery").run() }
        while services.running.count < 2 { await Task.yield() }
        #expect(services.running == ["delivery", "poll scheduler"])
        release.yield()
        try await poller.value
        #expect(services.running == ["delivery"])
        releaseOther.finish()
        try await delivery.value
        #expect(services.running.isEmpty)
    }

    @Test("serve's background services are all tracked, under names a person reads")
    func backgroundServicesAreTracked() async throws {
        let scratch = try ScratchDirectory(prefix: "relay-services")
        var app = RelayApp(store: try SQLiteStore(path: scratch.path("relay.sqlite")))
        app.configurationFile = scratch.path("relay.yaml")
        let tracked = app.backgroundServices.compactMap { $0 as? RunningServices.Tracked }
        #expect(tracked.count == app.backgroundServices.count)
        #expect(
            tracked.map(\.name) == ["heartbeat", "poll scheduler", "delivery", "health check", "two-way sync", "configuration reload"])
    }
}
