import RelayModel
import RelayStore

/// A rule catching up: events stored before the rule existed (or before it named an integration) are sent through
/// it on request, once.
extension RuleService {
    /// What a backfill found, and queued or would queue.
    public struct Backfill: Sendable, Equatable {
        /// The rule's name.
        public var rule: String
        /// The look-back: events whose alert Prisma changed in the last `hours`.
        public var hours: Int
        /// Stored events in the look-back that the rule matches.
        public var matched: Int
        /// Deliveries queued for the rule's integrations (or, before confirming, that would be). Events already
        /// queued for an integration, and alerts it already has events of, are not queued again.
        public var queued: Int

        public init(rule: String, hours: Int, matched: Int, queued: Int) {
            self.rule = rule
            self.hours = hours
            self.matched = matched
            self.queued = queued
        }
    }

    /// The look-back a backfill may ask for, in hours: up to 30 days.
    public static let backfillHours = 1...720

    /// Counts (`apply: false`) or queues the stored events of the last `hours` that the rule (by id or name)
    /// matches, for its integrations, oldest first so that each alert's events go out in order. Running it again
    /// queues nothing new.
    public func backfill(_ idOrName: String, hours: Int = 24, apply: Bool) async throws -> Backfill {
        let rule = try await resolve(idOrName)
        guard Self.backfillHours.contains(hours) else {
            throw ConfigErrors([
                ConfigError(field: "hours", "must be between 1 and 720 (30 days), not \(hours): give how far back to look, in hours")
            ])
        }
        guard rule.enabled else {
            throw ConfigErrors([
                ConfigError(field: "enabled", "rule \(rule.name) is disabled: enable it before sending stored events through it")
            ])
        }
        let now = clock()
        var query = EventQuery(updatedSince: now - Int64(hours) * 3_600_000, limit: 500)
        var rows: [OutboxRow] = []
        var matched = 0
        while true {
            let page = try await store.eventPage(query)
            for event in page.events {
                let routed = AlertRouter.outboxRows(for: [event], rules: [rule], at: now)
                if !routed.isEmpty { matched += 1 }
                rows += routed
            }
            guard let next = page.next else { break }
            query.after = next
        }
        // Pages come newest first; queued oldest first.
        let queued = try await store.queueBackfill(rows.reversed(), apply: apply)
        return Backfill(rule: rule.name, hours: hours, matched: matched, queued: queued)
    }
}
