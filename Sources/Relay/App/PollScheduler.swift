import Logging
import RelayModel
import RelayStore
import ServiceLifecycle

/// Polls every enabled connector on its interval for as long as the service runs. Connectors are polled
/// concurrently, up to `concurrency` at once, so a slow tenant delays only itself. On graceful shutdown it starts
/// no new poll and gives the polls in flight `grace` to finish; those still running then are cancelled, leaving
/// their windows to the next run.
public struct PollScheduler: Service {
    let app: RelayApp
    /// How often due connectors are looked for.
    let tick: Duration
    /// Polls of different connectors at once.
    let concurrency: Int
    /// How long polls in flight may take to finish once shutdown begins.
    let grace: Duration

    public init(app: RelayApp, tick: Duration = .seconds(1), concurrency: Int = 4, grace: Duration = .seconds(10)) {
        self.app = app
        self.tick = tick
        self.concurrency = max(1, concurrency)
        self.grace = grace
    }

    /// Whether a connector is due at `now`: enabled, and never polled or a poll started at least an interval ago.
    public static func isDue(_ config: ConnectorConfig, lastPollAt: Int64?, now: Int64) -> Bool {
        config.enabled && (lastPollAt.map { now - $0 >= Int64(config.intervalSeconds) * 1000 } ?? true)
    }

    public func run() async throws {
        // When each connector was last polled as far as this worker knows, so the once-a-second check reads nothing.
        // Only once that says a connector is due is the store asked: another replica may have polled it since.
        var lastPolls: [String: Int64] = [:]
        // Connectors another worker was polling: tried again when that worker's lease has run out, not an interval on.
        let retries = LeaseRetries()
        // While the store is unreachable every tick fails the same way: said once, and once when it is over.
        var failing: String?
        while !Task.isShuttingDownGracefully {
            do {
                let connectors = try await app.store.connectors()
                if failing != nil { app.logger.notice("scheduler reads connectors again") }
                failing = nil
                for config in connectors where !Task.isShuttingDownGracefully {
                    guard await app.polls.count < concurrency else { break }
                    let now = app.clock()
                    let retry = await retries.take(config.name, now: now)
                    guard config.enabled, retry || Self.isDue(config, lastPollAt: lastPolls[config.name], now: now),
                        await !app.polls.isRunning(config.name)
                    else { continue }
                    // The start of the store's last poll decides, whichever replica made it: a connector is polled once an
                    // interval however many replicas run (and a retry after another worker's lease finds that worker's poll).
                    let last = try await app.store.polls(connector: config.name, limit: 1).first?.startedAt
                    guard Self.isDue(config, lastPollAt: last, now: now) else {
                        lastPolls[config.name] = last
                        continue
                    }
                    lastPolls[config.name] = now
                    // Started, not awaited: the next connector does not wait for this one.
                    await app.polls.launch(config.name) {
                        let report = await app.poller(for: config).poll()
                        if let until = report.leaseHeldUntil { await retries.set(config.name, at: until) }
                        return report
                    }
                }
            } catch {
                if failing != "\(error)" {
                    app.logger.error("scheduler could not read connectors", metadata: ["error": .string("\(error)")])
                }
                failing = "\(error)"
            }
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: tick) }
            } catch {
                break
            }
        }
        await app.polls.finish(within: grace)
    }
}

/// When to try again the connectors whose poll found another worker's lease.
actor LeaseRetries {
    private var at: [String: Int64] = [:]

    func set(_ connector: String, at time: Int64) { at[connector] = time }

    /// Whether a retry of `connector` is due at `now` (and, if so, forgets it).
    func take(_ connector: String, now: Int64) -> Bool {
        guard let time = at[connector], time <= now else { return false }
        at[connector] = nil
        return true
    }
}
