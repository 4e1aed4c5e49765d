import RelayModel
import RelayStore

/// The stored events: queries, counts, and what became of each at the integrations the rules sent it to.
public struct EventService: Sendable {
    let store: any RelayStore

    /// Stored events, newest first.
    public func list(_ query: EventQuery) async throws -> [NormalizedEvent] {
        try await store.events(query)
    }

    /// A page of stored events, newest first, and where the next one starts.
    public func page(_ query: EventQuery) async throws -> EventPage {
        try await store.eventPage(query)
    }

    /// How many stored events the query's filters match.
    public func count(_ query: EventQuery) async throws -> Int {
        try await store.countEvents(query)
    }

    /// One stored event by its id, or nil.
    public func get(_ id: String) async throws -> NormalizedEvent? {
        try await store.event(id: id)
    }

    /// Event counts by severity and module, of one connector or all.
    public func summary(connector: String? = nil) async throws -> EventSummary {
        try await store.eventSummary(connector: connector)
    }

    /// Events per hour and severity since `since` (epoch ms), of one connector or all.
    public func hourlyCounts(since: Int64, connector: String? = nil) async throws -> [HourlyCount] {
        try await store.hourlyCounts(since: since, connector: connector)
    }

    /// Each event's deliveries by event id.
    public func deliveries(of eventIDs: [String]) async throws -> [String: [DeliveryState]] {
        try await store.deliveries(eventIDs: eventIDs)
    }
}
