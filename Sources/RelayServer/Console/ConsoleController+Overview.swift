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
        page["totalEvents"] = try await app.events.count(EventQuery())
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
        // One row per connector and integration with its last 24 hours as a sparkline, deliveries beside events.
        let day = BarChart.Span.day.slots(now: now)
        var sources: [[String: Any]] = []
        for (connector, state) in connectors {
            let counts = try await app.events.hourlyCounts(since: day[0], connector: connector.name)
            var byHour: [Int64: Int] = [:]
            for count in counts { byHour[count.hour, default: 0] += count.count }
            let values = day.map { byHour[$0] ?? 0 }
            sources.append([
                "name": connector.name, "href": "/console/connectors/\(ConsoleFormat.segment(connector.name))", "kind": "Connector",
                "status": state.status.rawValue, "badge": ConsoleFormat.badge(state.status),
                "spark": BarChart.sparkline(values, label: "\(values.reduce(0, +)) events in the last 24 hours", color: "#2f6fbf"),
                "count": "\(values.reduce(0, +)) events",
            ])
        }
        var delivered24h = 0
        var queued = 0
        let integrationList = try await app.deliveries.list()
        for (integration, health) in integrationList {
            let hours = try await app.deliveries.hours(of: integration.id, since: day[0])
            let byHour = Dictionary(hours.map { ($0.hour, $0.delivered) }, uniquingKeysWith: +)
            let values = day.map { byHour[$0] ?? 0 }
            delivered24h += values.reduce(0, +)
            sources.append([
                "name": integration.name, "href": "/console/integrations/\(integration.id)",
                "kind": "Integration · \(app.integrations.displayName(of: integration.type))",
                "status": health.paused ? "RED · paused" : health.status.rawValue, "badge": ConsoleFormat.badge(health.status),
                "spark": BarChart.sparkline(values, label: "\(values.reduce(0, +)) delivered in the last 24 hours"),
                "count": "\(values.reduce(0, +)) delivered",
            ])
        }
        page["sources"] = sources
        page["hasSources"] = !sources.isEmpty
        page["delivered24h"] = delivered24h
        // The first-run path: the three steps in their order, each ticked once done.
        let rules = try await app.rules.list()
        let steps: [(String, String, String, Bool)] = [
            (
                "Add your first connector", "A Prisma Cloud tenant to collect alerts or incidents from.", "/console/connectors/new",
                !connectors.isEmpty
            ),
            (
                "Add an integration", "Where events go: a webhook, Splunk, Slack, PagerDuty, …", "/console/integrations/new",
                !integrationList.isEmpty
            ),
            ("Add an alert rule", "Which events go there; it offers to send what is stored already.", "/console/rules/new", !rules.isEmpty),
        ]
        page["steps"] = steps.enumerated().map { index, step in
            ["number": index + 1, "title": step.0, "text": step.1, "href": step.2, "done": step.3] as [String: Any]
        }
        page["firstRun"] = steps.contains { !$0.3 }
        for (integration, health) in integrationList {
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
                "started": ConsoleFormat.when(replica.startedAt, now: now), "heartbeat": ConsoleFormat.when(replica.heartbeatAt, now: now),
                "connectors": replica.connectors.isEmpty ? "none" : replica.connectors.joined(separator: ", "),
                "claims": replica.claimedDeliveries, "twoWaySync": replica.twoWaySync,
            ]
        }
        return renderer.page("overview", page)
    }
}
