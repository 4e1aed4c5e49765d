import Foundation
import Logging
import RelayModel
import RelayStore

extension RelayApp {
    /// Raises a health event for each connector that has gone silent, resolves the ones that collect again; returns
    /// the events written.
    @discardableResult
    public func checkSilence() async throws -> [NormalizedEvent] {
        let now = clock()
        var written: [NormalizedEvent] = []
        for config in try await store.connectors() {
            let findings = Silence.findings(config, try await store.state(of: config.name), now: now)
            for condition in Silence.Condition.allCases {
                let nativeID = Silence.nativeID(config.name, condition)
                let latest = try await store.events(EventQuery(connector: config.name, kind: .health, nativeID: nativeID, limit: 1)).first
                let finding = findings.first { $0.condition == condition }
                metrics.silent(connector: config.name, condition: condition.rawValue, finding != nil)
                var event: NormalizedEvent?
                if let finding {
                    if latest?.status != "open" || latest?.version != String(finding.since) {
                        event = Silence.event(
                            config, condition: condition, since: finding.since, sentence: finding.sentence, observedAt: now)
                        logger.warning(
                            "connector silent", metadata: ["connector": .string(config.name), "condition": .string(condition.rawValue)])
                    }
                } else if let latest, latest.status == "open", let since = Int64(latest.version) {
                    event = Silence.event(
                        config, condition: condition, since: since, sentence: latest.description ?? latest.title, resolvedAt: now,
                        observedAt: now)
                }
                guard let event else { continue }
                if try await store.commit(events: [event], connector: config.name, cursor: nil) > 0 { written.append(event) }
            }
        }
        return written
    }
}

extension RelayApp {
    /// Queues a heartbeat for each enabled integration whose interval has come (once per interval, however many
    /// replicas ask); returns the integrations queued for.
    @discardableResult
    public func sendHeartbeats() async throws -> [String] {
        let now = clock()
        var queued: [String] = []
        for integration in try await store.integrations() where integration.enabled {
            guard let minutes = Heartbeat.minutes(integration) else { continue }
            let event = Heartbeat.event(for: integration, minutes: minutes, now: now)
            _ = try await store.commit(events: [event], connector: Heartbeat.connector, cursor: nil)
            // Queued already (by this process a minute ago, or another replica): nothing to do, and no lock taken for it.
            if try await store.deliveries(eventIDs: [event.id])[event.id]?.isEmpty == false { continue }
            // Rules never route a heartbeat: it is queued for its integration alone, once.
            let row = OutboxRow(eventID: event.id, integrationID: integration.id, alertKey: AlertKey.of(event), queuedAt: now)
            if try await store.queueBackfill([row], apply: true) > 0 {
                queued.append(integration.name)
                metrics.heartbeat(integration: integration.name)
            }
        }
        return queued
    }
}
