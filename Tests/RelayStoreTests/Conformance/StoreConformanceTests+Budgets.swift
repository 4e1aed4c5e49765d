import Foundation
import RelayModel
import RelayStore
import Testing

extension StoreConformanceTests {
    @Test(
        "send slots: holdings add up to the cap at most, a holder renews or gives back its own, and a killed holder's return when they lapse",
        arguments: StoreUnderTest.all)
    func sendSlots(_ kind: StoreUnderTest) async throws {
        let store = try await Self.routed(kind)
        let t = later
        #expect(try await store.holdSendSlots(integrationID: "hook", owner: "a", wanted: 2, cap: 3, now: t, until: t + 10_000) == 2)
        #expect(try await store.holdSendSlots(integrationID: "hook", owner: "b", wanted: 2, cap: 3, now: t, until: t + 10_000) == 1)
        #expect(try await store.holdSendSlots(integrationID: "hook", owner: "c", wanted: 1, cap: 3, now: t, until: t + 10_000) == 0)
        // Another integration's slots are its own.
        #expect(try await store.holdSendSlots(integrationID: "other", owner: "c", wanted: 3, cap: 3, now: t, until: t + 10_000) == 3)
        // Renewing keeps what it holds; giving back frees it for the next.
        #expect(try await store.holdSendSlots(integrationID: "hook", owner: "a", wanted: 2, cap: 3, now: t + 1, until: t + 20_000) == 2)
        #expect(try await store.holdSendSlots(integrationID: "hook", owner: "b", wanted: 0, cap: 3, now: t + 2, until: t + 20_000) == 0)
        #expect(try await store.holdSendSlots(integrationID: "hook", owner: "c", wanted: 3, cap: 3, now: t + 3, until: t + 20_000) == 1)
        // a and c are killed: their slots return once their lease has run out, not before.
        #expect(
            try await store.holdSendSlots(integrationID: "hook", owner: "d", wanted: 3, cap: 3, now: t + 19_999, until: t + 40_000) == 0)
        #expect(
            try await store.holdSendSlots(integrationID: "hook", owner: "d", wanted: 3, cap: 3, now: t + 20_000, until: t + 40_000) == 3)
    }

    @Test(
        "eight holders asking at once for an integration's send slots never hold more than its cap together", arguments: StoreUnderTest.all)
    func concurrentSendSlots(_ kind: StoreUnderTest) async throws {
        let store = try await Self.routed(kind)
        let t = later
        let granted = try await withThrowingTaskGroup(of: Int.self) { group in
            for owner in 0..<8 {
                group.addTask {
                    try await store.holdSendSlots(integrationID: "hook", owner: "r\(owner)", wanted: 2, cap: 5, now: t, until: t + 60_000)
                }
            }
            var all: [Int] = []
            for try await one in group { all.append(one) }
            return all
        }
        #expect(granted.reduce(0, +) == 5, "\(granted)")
    }

    @Test(
        "a request budget lets a burst through, then spaces requests at its rate; takers asking at once are spaced, never sent together",
        arguments: StoreUnderTest.all)
    func requestBudget(_ kind: StoreUnderTest) async throws {
        let store = try await kind.open()
        let t = later
        var waits: [Int64] = []
        for _ in 0..<12 { waits.append(try await store.takeRequestBudget(RateBudget(key: "api/key-1", perSecond: 2, burst: 10), now: t)) }
        #expect(waits == Array(repeating: 0, count: 10) + [500, 1_000])
        // Another key has its own bucket; an idle bucket fills up again.
        #expect(try await store.takeRequestBudget(RateBudget(key: "api/key-2", perSecond: 2, burst: 10), now: t) == 0)
        #expect(try await store.takeRequestBudget(RateBudget(key: "api/key-1", perSecond: 2, burst: 10), now: t + 10_000) == 0)
        // Twenty takers at once on an empty bucket of burst 1: each gets its own turn, 100 ms apart.
        let turns = try await withThrowingTaskGroup(of: Int64.self) { group in
            for _ in 0..<20 {
                group.addTask { try await store.takeRequestBudget(RateBudget(key: "api/key-3", perSecond: 10, burst: 1), now: t) }
            }
            var all: [Int64] = []
            for try await wait in group { all.append(wait) }
            return all
        }
        #expect(turns.sorted() == (0..<20).map { Int64($0) * 100 })
    }
}
