import Foundation
import Hummingbird
import Relay
import RelayModel

extension ConsoleController {
    /// Totals, the chart of the last 24 hours, and the connectors and integrations that need attention first.
    func overview(_ context: RelayRequestContext) async throws -> Response {
        var page = await base(context, section: "Overview")
        let now = app.clock()
        let counts = try await app.events.hourlyCounts(since: now - now % 3_600_000 - 23 * 3_600_000)
        page["chart"] = BarChart.events(counts, now: now)
        page["legend"] = BarChart.legend(BarChart.severities.map { ($0.0.rawValue, $0.1) })
        page["last24h"] = counts.reduce(0) { $0 + $1.count }
        page["totalEvents"] = try await app.events.summary().total
        var attention: [[String: Any]] = []
        let connectors = try await app.connectors.list()
        var active = 0
        for (connector, state) in connectors {
            if state.status == .active { active += 1 }
            guard state.status == .error || state.status == .pending else { continue }
            attention.append([
                "name": connector.name, "kind": "Connector", "href": "/console/connectors/\(ConsoleFormat.segment(connector.name))",
                "status": state.status.rawValue, "badge": ConsoleFormat.badge(state.status),
                "reason": ConsoleFormat.present(ConsoleFormat.error(state.lastError ?? "Not polled yet")),
            ])
        }
        var queued = 0
        for (integration, health) in try await app.deliveries.list() {
            queued += health.queueDepth
            guard health.status != .green else { continue }
            attention.append([
                "name": integration.name, "kind": "Integration · \(app.integrations.displayName(of: integration.type))",
                "href": "/console/integrations/\(integration.id)", "status": health.paused ? "RED (paused)" : health.status.rawValue,
                "badge": ConsoleFormat.badge(health.status), "reason": ConsoleFormat.present(ConsoleFormat.error(health.message)),
            ])
        }
        // Errors and red first.
        attention.sort { ($0["badge"] as? String == "bad" ? 0 : 1) < ($1["badge"] as? String == "bad" ? 0 : 1) }
        page["attention"] = attention
        page["hasAttention"] = !attention.isEmpty
        page["connectorCount"] = connectors.count
        page["activeConnectors"] = active
        page["queued"] = queued
        page["replicas"] = try await app.replicas().map { replica -> [String: Any] in
            let state = replica.liveness(at: now)
            return [
                "id": replica.id, "host": replica.host, "pid": replica.pid, "version": replica.version, "state": state.rawValue,
                "badge": state == .running ? "ok" : state == .lost ? "bad" : "off", "current": replica.id == app.workerID,
                "started": ConsoleFormat.time(replica.startedAt), "heartbeat": ConsoleFormat.age(now - replica.heartbeatAt) + " ago",
                "connectors": replica.connectors.isEmpty ? "none" : replica.connectors.joined(separator: ", "),
                "claims": replica.claimedDeliveries,
            ]
        }
        return renderer.page("overview", page)
    }
}
