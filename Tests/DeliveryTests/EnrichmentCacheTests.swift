import Testing

@testable import Delivery

/// What an enrichment source answered, kept for a while.
@Suite("Enrichment answers cached")
struct EnrichmentCacheTests {
    @Test("an answer is kept until its time; past its capacity the cache drops the oldest tenth and says so")
    func keptUntilItsTimeAndDroppedOldestFirst() {
        var cache = EnrichmentCache(capacity: 10)
        let key = { (index: Int) in EnrichmentKey("login", "u\(index)@example.com") }
        for index in 0..<10 { #expect(cache.store(.found(nil), for: key(index), until: 100) == false) }
        #expect(cache.entry(key(0), now: 99) != nil)
        #expect(cache.entry(key(0), now: 100) == nil)
        #expect(cache.held(key(9), now: 0)?.expires == 100)
        // An answer stored again in time is replaced, not added.
        #expect(cache.store(.found(nil), for: key(9), until: 200) == false && cache.held(key(9), now: 0)?.expires == 200)
        // The eleventh makes room by dropping the first: the enricher then forgets what it built from answers.
        #expect(cache.store(.found(nil), for: key(10), until: 100) == true)
        #expect(cache.entry(key(0), now: 0) == nil && cache.entry(key(1), now: 0) != nil && cache.count == 10)
    }
}
