import RelayStore
import Testing

@Suite("work signal")
struct WorkSignalTests {
    @Test("a ring while nobody waits ends the next wait at once, and only that one")
    func keptOnce() async {
        let signal = WorkSignal()
        signal.ring()
        signal.ring()
        let start = ContinuousClock.now
        await signal.wait(atMost: .seconds(600))
        #expect(start.duration(to: .now) < .seconds(60))
        let second = ContinuousClock.now
        await signal.wait(atMost: .milliseconds(100))
        #expect(second.duration(to: .now) >= .milliseconds(100))
    }

    @Test("a ring wakes every waiter at once")
    func wakesWaiters() async {
        let signal = WorkSignal()
        let start = ContinuousClock.now
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<3 { group.addTask { await signal.wait(atMost: .seconds(600)) } }
            try? await Task.sleep(for: .milliseconds(100))
            signal.ring()
        }
        #expect(start.duration(to: .now) < .seconds(60))
    }

    @Test("with no ring, a wait ends at its limit; a cancelled wait ends at once")
    func limitAndCancel() async {
        let signal = WorkSignal()
        let start = ContinuousClock.now
        await signal.wait(atMost: .milliseconds(50))
        #expect(start.duration(to: .now) >= .milliseconds(50))
        let waiting = Task { await signal.wait(atMost: .seconds(600)) }
        try? await Task.sleep(for: .milliseconds(50))
        let cancelled = ContinuousClock.now
        waiting.cancel()
        await waiting.value
        #expect(cancelled.duration(to: .now) < .seconds(60))
    }
}
