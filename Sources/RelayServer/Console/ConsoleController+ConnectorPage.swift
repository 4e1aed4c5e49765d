import Foundation
import Hummingbird
import Relay
import RelayModel

/// A connector's own page: its status and the sentence that explains it, what it received per hour and how its polls
/// went over a day or a week, its last polls, the findings it kept aside, and its actions.
extension ConsoleController {
    func addConnectorPageRoutes(to console: RouterGroup<RelayRequestContext>) {
        console.get("connectors/:name") { request, context in try await connectorPage(request, context) }
        console.post("connectors/:name/check") { _, context in
            let name = try context.parameters.require("name")
            let result = try await app.connectors.test(name)
            return await done(
                context, "/console/connectors/\(ConsoleFormat.segment(name))",
                result.success ? "Test of \(name): \(result.message)" : "Test of \(name) failed: \(result.message)", ok: result.success)
        }
    }

    func connectorPage(_ request: Request, _ context: RelayRequestContext) async throws -> Response {
        let name = try context.parameters.require("name")
        guard let config = try await app.connectors.find(name) else {
            return await notFound(context, "There is no connector named \(name).", back: "/console/connectors")
        }
        var page = await base(context, section: "Connectors")
        let now = app.clock()
        let state = try await app.connectors.state(of: name)
        let span = request.uri.queryParameters.get("span").flatMap(BarChart.Span.init(rawValue:)) ?? .day
        let since = span.slots(now: now)[0]
        let path = "/console/connectors/\(ConsoleFormat.segment(name))"
        page["name"] = name
        page["path"] = path
        page["typeLabel"] = config.type == .cspm ? "CSPM alerts" : "Compute runtime incidents"
        page["apiURL"] = config.apiURL
        page["status"] = state.status.rawValue
        page["badge"] = ConsoleFormat.badge(state.status)
        page["sentence"] = Self.connectorSentence(config, state, now: now)
        page["lastError"] = ConsoleFormat.present(ConsoleFormat.error(state.lastError))
        // Silence, as the health events that rules route say it.
        page["silence"] = Silence.findings(config, state, now: now).map(\.sentence)
        page["waiting"] = ConsoleFormat.present(state.waiting)
        page["lastPoll"] = ConsoleFormat.when(state.lastPollAt, now: now)
        page["lastAdded"] = state.lastEventsAdded
        page["total"] = state.totalEvents
        page["lag"] = state.cursor.map { ConsoleFormat.age(now - $0) } ?? "—"
        page["interval"] = ConsoleFormat.duration(Int64(config.intervalSeconds) * 1000)
        page["toggleAction"] = config.enabled ? "disable" : "enable"
        page["toggleLabel"] = config.enabled ? "Disable" : "Enable"
        page["eventsHref"] = "/console/events?connector=\(name.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? name)"
        page["spans"] = span.tabs(path)
        page["eventsChart"] = BarChart.events(try await app.events.hourlyCounts(since: since, connector: name), span: span, now: now)
        page["eventsLegend"] = BarChart.legend(BarChart.severities.map { ($0.0.rawValue, $0.1) })
        page["pollsChart"] = BarChart.polls(try await app.connectors.pollHours(name, since: since), span: span, now: now)
        page["pollsLegend"] = BarChart.legend([("succeeded", BarChart.ok), ("failed", BarChart.bad)])
        let polls = try await app.connectors.history(name)
        page["polls"] = polls.map { poll -> [String: Any] in
            [
                "when": ConsoleFormat.when(poll.finishedAt, now: now), "duration": ConsoleFormat.duration(poll.durationMillis),
                "pages": poll.pages, "fetched": poll.fetched, "added": poll.added, "rejected": poll.rejected,
                "ok": poll.succeeded, "error": ConsoleFormat.present(ConsoleFormat.error(poll.error)),
            ]
        }
        page["hasPolls"] = !polls.isEmpty
        let rejected = try await app.connectors.rejected(name)
        page["rejectedCount"] = rejected.count
        page["rejected"] = rejected.prefix(10).map {
            ["reason": $0.reason, "when": ConsoleFormat.when($0.rejectedAt, now: now)] as [String: Any]
        }
        page["hasRejected"] = !rejected.isEmpty
        return renderer.page("connector", page)
    }

    /// The status in one sentence: what the connector does now and what comes next, or what to do.
    static func connectorSentence(_ config: ConnectorConfig, _ state: ConnectorState, now: Int64) -> String {
        let interval = Int64(config.intervalSeconds) * 1000
        switch state.status {
        case .disabled:
            return "Disabled: the scheduler does not poll it. Its cursor and events stay; Enable resumes where it stopped."
        case .pending:
            return "Not polled yet: the first poll reaches back \(ConsoleFormat.duration(Int64(config.lookbackSeconds) * 1000)) "
                + "and runs within \(ConsoleFormat.duration(interval)) of saving, or now with Poll now."
        case .error:
            let since =
                state.lastSuccessAt.map { "; the last successful poll was \(ConsoleFormat.age(now - $0)) ago" }
                ?? "; no poll has succeeded yet"
            return "The last poll failed and the cursor stayed where it was, so nothing is skipped once it works again\(since). "
                + "The error below says what to fix."
        case .active:
            let last = state.lastPollAt ?? now
            let next = last + interval - now
            let when = ConsoleFormat.when(last, now: now)["text"] as? String ?? ""
            return "Collecting: the last poll (\(when)) succeeded and added \(state.lastEventsAdded) new events; "
                + (next > 0 ? "the next one is due in about \(ConsoleFormat.age(next))." : "the next one is due now.")
        }
    }
}
