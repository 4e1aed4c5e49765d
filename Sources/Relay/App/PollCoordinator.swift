/// Runs polls so that two polls of one connector never run at once: a poll asked for while that connector is
/// being polled (a "poll now" during a scheduled one, six "poll now"s at once) waits for the running poll and
/// gets its report, instead of fetching the same window again.
public actor PollCoordinator {
    private var running: [String: Task<PollReport, Never>] = [:]

    public init() {}

    /// How many polls run now.
    public var count: Int { running.count }

    /// Whether the connector named `name` is being polled.
    public func isRunning(_ name: String) -> Bool { running[name] != nil }

    /// The report of the poll of `name`: the one running, or a new one made by `start`.
    public func poll(_ name: String, start: @escaping @Sendable () async -> PollReport) async -> PollReport {
        await launch(name, start: start).value
    }

    /// Starts a poll of `name` with `start` unless one runs already, and returns the running one without
    /// waiting for it.
    @discardableResult
    public func launch(_ name: String, start: @escaping @Sendable () async -> PollReport) -> Task<PollReport, Never> {
        if let current = running[name] { return current }
        let task = Task { await start() }
        running[name] = task
        Task {
            _ = await task.value
            finished(name, task)
        }
        return task
    }

    private func finished(_ name: String, _ task: Task<PollReport, Never>) {
        if running[name] == task { running[name] = nil }
    }

    /// Waits up to `grace` for the polls running now, then cancels those still going: what they stored stays, and
    /// their windows are left to the next run (the cursor moves only with a poll's last page).
    public func finish(within grace: Duration) async {
        let tasks = Array(running.values)
        guard !tasks.isEmpty else { return }
        let timer = Task {
            try? await Task.sleep(for: grace)
            for task in tasks { task.cancel() }
        }
        for task in tasks { _ = await task.value }
        timer.cancel()
    }
}
