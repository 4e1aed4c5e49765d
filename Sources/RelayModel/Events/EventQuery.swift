/// Which events to list.
public struct EventQuery: Sendable, Equatable {
    public var connector: String?
    public var severity: Severity?
    public var kind: EventKind?
    public var module: Module?
    public var status: String?
    /// Words the event's JSON must contain (title, policy, resource, raw event…), case-insensitively.
    public var text: String?
    /// Only the versions of one alert or incident: its id in Prisma (with `connector` and `kind`, read through the
    /// unique index).
    public var nativeID: String?
    /// Only events whose alert Prisma changed at or after this time (epoch ms).
    public var updatedSince: Int64?
    /// Only events in this state of delivery (to one integration, or to any).
    public var delivery: DeliveryFilter?
    /// The page after this position (the list is newest first); nil for the first page.
    public var after: EventCursor?
    public var limit: Int

    public init(
        connector: String? = nil, severity: Severity? = nil, kind: EventKind? = nil, module: Module? = nil, status: String? = nil,
        text: String? = nil, nativeID: String? = nil, updatedSince: Int64? = nil, delivery: DeliveryFilter? = nil,
        after: EventCursor? = nil, limit: Int = 100
    ) {
        self.nativeID = nativeID
        self.delivery = delivery
        self.connector = connector
        self.severity = severity
        self.kind = kind
        self.module = module
        self.status = status
        self.text = text
        self.updatedSince = updatedSince
        self.after = after
        self.limit = limit
    }
}

/// Events by what became of their delivery: sent to an integration (or to any), in a state, or sent nowhere.
public struct DeliveryFilter: Sendable, Equatable {
    public enum State: String, Sendable, CaseIterable {
        /// Queued, waiting or being sent.
        case pending
        case delivered
        /// Given up on: a dead letter.
        case dead
        /// No rule sent it there (to the integration given, or anywhere).
        case none
    }

    public var state: State?
    public var integrationID: String?

    public init(state: State? = nil, integrationID: String? = nil) {
        self.state = state
        self.integrationID = integrationID
    }

    /// The condition on an event, with `event` its table and `bind` adding a value and giving its placeholder.
    public func sql(event: String, bind: (String) -> String) -> String {
        var conditions = ["o.event_id = \(event).id"]
        if let integrationID { conditions.append("o.integration_id = \(bind(integrationID))") }
        if let state, state != .none { conditions.append("o.state = \(bind(state.rawValue))") }
        let exists = "EXISTS (SELECT 1 FROM outbox o WHERE \(conditions.joined(separator: " AND ")))"
        return state == DeliveryFilter.State.none ? "NOT " + exists : exists
    }
}

/// A position in the list of events (newest first): the last event of a page, by when Prisma last changed it and the
/// order it was stored in. Pages after it are read by keyset, so a page costs the same however deep it is.
public struct EventCursor: Sendable, Equatable, CustomStringConvertible {
    public var updatedMillis: Int64
    public var seq: Int64

    public init(updatedMillis: Int64, seq: Int64) {
        self.updatedMillis = updatedMillis
        self.seq = seq
    }

    /// The cursor as a link or an API answer carries it: `<updated ms>.<seq>`.
    public var description: String { "\(updatedMillis).\(seq)" }

    /// A cursor from its text; nil when the text is not one.
    public init?(_ text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let updated = Int64(parts[0]), let seq = Int64(parts[1]), seq >= 0 else { return nil }
        self.init(updatedMillis: updated, seq: seq)
    }
}

/// One page of events, newest first, and where the next page starts (nil after the last).
public struct EventPage: Sendable, Equatable {
    public var events: [NormalizedEvent]
    public var next: EventCursor?

    public init(events: [NormalizedEvent], next: EventCursor?) {
        self.events = events
        self.next = next
    }
}

extension EventQuery {
    /// The largest page one request may ask for.
    public static let maxLimit = 1000

    /// A query from a link's or an API request's parameters (`connector`, `severity`, `kind`, `module`, `status`, `q`,
    /// `delivery`, `integration`, `after`, `limit`), the one reading the console and the API share. An empty
    /// parameter is no filter; a value that is not one of the allowed ones is refused, naming the parameter and what
    /// it takes.
    public init(parameters value: (String) -> String?) throws(ConfigErrors) {
        func given(_ name: String) -> String? { value(name).flatMap { $0.isEmpty ? nil : $0 } }
        var errors: [ConfigError] = []
        func one<T: RawRepresentable>(_ name: String, _ type: T.Type, allowed: [String]) -> T? where T.RawValue == String {
            guard let text = given(name) else { return nil }
            guard let parsed = T(rawValue: text) else {
                errors.append(ConfigError(field: name, "must be one of \(allowed.joined(separator: ", ")), not \"\(text)\""))
                return nil
            }
            return parsed
        }
        self.init(
            connector: given("connector"),
            severity: one("severity", Severity.self, allowed: [Severity.high, .medium, .low, .info].map(\.rawValue)),
            kind: one("kind", EventKind.self, allowed: EventKind.allCases.map(\.rawValue)),
            module: one("module", Module.self, allowed: Module.allCases.map(\.rawValue)), status: given("status"), text: given("q"))
        let state = one("delivery", DeliveryFilter.State.self, allowed: DeliveryFilter.State.allCases.map(\.rawValue))
        if state != nil || given("integration") != nil { delivery = DeliveryFilter(state: state, integrationID: given("integration")) }
        if let text = given("after") {
            if let cursor = EventCursor(text) {
                after = cursor
            } else {
                errors.append(ConfigError(field: "after", "must be the nextPageToken of the page before, not \"\(text)\""))
            }
        }
        if let text = given("limit") {
            if let number = Int(text), (1...Self.maxLimit).contains(number) {
                limit = number
            } else {
                errors.append(ConfigError(field: "limit", "must be a whole number from 1 to \(Self.maxLimit), not \"\(text)\""))
            }
        }
        guard errors.isEmpty else { throw ConfigErrors(errors) }
    }
}
