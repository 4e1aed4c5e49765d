import Foundation
import Hummingbird
import Relay
import RelayModel

/// An integration's own page: its status with the reason, its queue, deliveries per hour over a day or a week with
/// their latency, the last errors in the destination's own words, its dead letters, and its actions.
extension ConsoleController {
    func addIntegrationPageRoutes(to console: RouterGroup<RelayRequestContext>) {
        console.get("integrations/:id") { request, context in try await integrationPage(request, context) }
        for (action, enabled) in [("enable", true), ("disable", false)] {
            console.post("integrations/:id/\(action)") { _, context in
                let id = try context.parameters.require("id")
                let saved = try await integrations.setEnabled(id: id, enabled, by: "console:\(context.session?.keyName ?? "")")
                return await done(
                    context, integrationBack(context, id),
                    enabled
                        ? "Integration \(saved.name) is enabled: queued events go out again."
                        : "Integration \(saved.name) is disabled: events routed to it wait in its queue until it is enabled.")
            }
        }
    }

    /// Where an integration's action returns to: its page when it was sent from there, else `fallback`.
    func integrationBack(_ context: RelayRequestContext, _ id: String, fallback: String = "/console/integrations") -> String {
        context.form?["back"] == "page" ? "/console/integrations/\(id)" : fallback
    }

    func integrationPage(_ request: Request, _ context: RelayRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        guard let integration = try await app.integrations.find(id) else {
            return await notFound(context, "There is no integration with id \(id).", back: "/console/integrations")
        }
        var page = await base(context, section: "Integrations")
        let now = app.clock()
        let health = try await app.deliveries.health(of: id)
        let span = request.uri.queryParameters.get("span").flatMap(BarChart.Span.init(rawValue:)) ?? .day
        let path = "/console/integrations/\(id)"
        page["id"] = id
        page["path"] = path
        page["name"] = integration.name
        page["typeLabel"] = app.integrations.displayName(of: integration.type)
        page["description"] = ConsoleFormat.present(integration.description.isEmpty ? nil : integration.description)
        page["status"] = health.paused ? "RED · paused" : integration.enabled ? health.status.rawValue : "Disabled"
        page["badge"] = integration.enabled ? ConsoleFormat.badge(health.status) : "off"
        page["sentence"] = Self.integrationSentence(integration, health, now: now)
        page["reason"] = ConsoleFormat.present(health.status == .green ? nil : ConsoleFormat.error(health.message))
        page["heartbeat"] = ConsoleFormat.present(
            Heartbeat.minutes(integration).map {
                "A heartbeat (kind: heartbeat) goes out every \($0) min, so the receiving side can alarm when they stop."
            })
        page["tone"] = health.status == .red ? "bad" : "warn"
        page["queued"] = health.queueDepth
        page["oldest"] = health.oldestPendingAt.map { ConsoleFormat.age(now - $0) } ?? "—"
        page["delivered"] = health.delivered
        page["dead"] = health.deadLetters
        page["lastDelivery"] = ConsoleFormat.when(health.lastDeliveryAt, now: now)
        page["toggleAction"] = integration.enabled ? "disable" : "enable"
        page["toggleLabel"] = integration.enabled ? "Disable" : "Enable"
        page["spans"] = span.tabs(path)
        let hours = try await app.deliveries.hours(of: id, since: span.slots(now: now)[0])
        page["chart"] = BarChart.deliveries(hours, span: span, now: now)
        page["legend"] = BarChart.legend([("delivered", BarChart.ok), ("retried", BarChart.warn), ("dead", BarChart.bad)])
        var latency = LatencyHistogram()
        for hour in hours where hour.hour >= BarChart.Span.day.slots(now: now)[0] { latency.merge(hour.latency) }
        page["p50"] = ConsoleFormat.latency(latency.percentile(0.5))
        page["p95"] = ConsoleFormat.latency(latency.percentile(0.95))
        let failures = try await app.deliveries.failures(of: id)
        page["failures"] = failures.map { failure -> [String: Any] in
            [
                "when": ConsoleFormat.when(failure.at, now: now), "dead": failure.kind == .dead, "rows": failure.rows,
                "error": ConsoleFormat.present(ConsoleFormat.error(failure.message)),
            ]
        }
        page["hasFailures"] = !failures.isEmpty
        let letters = try await app.deliveries.deadLetters(of: id)
        page["letters"] = letters.prefix(10).map {
            [
                "seq": $0.seq, "eventID": $0.eventID, "attempts": $0.attempts, "reason": $0.reason,
                "when": ConsoleFormat.when($0.failedAt, now: now),
            ] as [String: Any]
        }
        page["hasLetters"] = !letters.isEmpty
        page["moreLetters"] = ConsoleFormat.present(letters.count > 10 ? "\(letters.count - 10) more" : nil)
        return renderer.page("integration", page)
    }

    /// The status in one sentence: what the integration is doing, or why it is not, and what happens next.
    static func integrationSentence(_ integration: Integration, _ health: IntegrationHealth, now: Int64) -> String {
        let queue = health.queueDepth == 0 ? "nothing is waiting" : "\(health.queueDepth) events are waiting"
        if !integration.enabled {
            return "Disabled: nothing is sent, and events its rules route to it wait in its queue (\(queue)). Enable sends them."
        }
        if health.paused {
            return "Paused: the destination refused the relay's credentials, so nothing is sent until the integration is "
                + "changed (\(queue)). The reason is below."
        }
        switch health.status {
        case .green:
            let last =
                health.lastDeliveryAt.map { "the last delivery was \(ConsoleFormat.age(now - $0)) ago" } ?? "nothing was delivered yet"
            return "Delivering: \(last), and \(queue)."
        case .yellow:
            return "Delivering with trouble: \(queue). The reason is below; it turns GREEN with the next successful delivery."
        case .red:
            let probe = health.probeAt.map { " The relay tries it again in about \(ConsoleFormat.age(max(0, $0 - now)))." } ?? ""
            let down = health.downSince.map { " for \(ConsoleFormat.age(now - $0))" } ?? ""
            return "Not delivering: the destination has been failing\(down), and \(queue); nothing is lost.\(probe)"
        }
    }
}
