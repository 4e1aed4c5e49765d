import RelayModel

/// What one source answered, by key, for a while: answers (including "knows nothing of it") for `ttl`, failures
/// until the source may be asked again. Bounded: past `capacity` entries the oldest tenth is dropped at once.
struct EnrichmentCache: Sendable {
    enum Entry: Sendable {
        case found(JSONValue?)
        case failed(EnrichmentFailure)
    }

    let capacity: Int
    private var entries: [EnrichmentKey: (entry: Entry, expires: Int64)] = [:]
    private var order: [EnrichmentKey] = []

    init(capacity: Int) { self.capacity = capacity }

    var count: Int { entries.count }

    /// The entry for `key` while it has not expired.
    func entry(_ key: EnrichmentKey, now: Int64) -> Entry? { held(key, now: now)?.entry }

    /// The entry for `key` and when it expires, while it has not.
    func held(_ key: EnrichmentKey, now: Int64) -> (entry: Entry, expires: Int64)? {
        guard let held = entries[key], held.expires > now else { return nil }
        return held
    }

    /// Keeps `entry` until `expires`; true when entries were dropped to make room.
    @discardableResult
    mutating func store(_ entry: Entry, for key: EnrichmentKey, until expires: Int64) -> Bool {
        if entries.updateValue((entry, expires), forKey: key) == nil { order.append(key) }
        guard entries.count > capacity else { return false }
        let dropped = max(1, capacity / 10)
        for old in order.prefix(dropped) { entries[old] = nil }
        order.removeFirst(min(dropped, order.count))
        return true
    }
}
