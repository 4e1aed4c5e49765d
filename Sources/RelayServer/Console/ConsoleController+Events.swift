import Foundation
import Hummingbird
import Relay
import RelayModel

extension ConsoleController {
    func addEventRoutes(to console: RouterGroup<RelayRequestContext>) {
        console.get("events") { request, context in try await eventList(request, context) }
        console.get("events/:id") { _, context in try await eventDetail(context) }
        console.post("events/:id/actions") { _, context in try await actOnEvent(context) }
    }

    func eventList(_ request: Request, _ context: RelayRequestContext) async throws -> Response {
        var page = await base(context, section: "Events")
        let now = app.clock()
        let query = request.uri.queryParameters
        func chosen(_ name: String) -> String? { query.get(name).flatMap { $0.isEmpty ? nil : $0 } }
        // The API's reading of the same parameters; a value no filter takes is said, and the list shown unfiltered.
        var eventQuery = EventQuery()
        switch Result(catching: { () throws(ConfigErrors) in try EventQuery { query.get($0) } }) {
        case .success(let parsed): eventQuery = parsed
        case .failure(let error): page["filterError"] = "Those filters are not valid: \(error.description)"
        }
        eventQuery.limit = 100
        let found = try await app.events.page(eventQuery)
        let events = found.events
        let names = Dictionary(uniqueKeysWithValues: try await app.integrations.list().map { ($0.id, $0.name) })
        let deliveriesByEvent = try await app.events.deliveries(of: events.map(\.id))
        let rows: [[String: Any]] = events.map { event in
            let deliveries = deliveriesByEvent[event.id] ?? []
            return [
                "id": event.id, "when": ConsoleFormat.when(event.updatedMillis, now: now), "severity": event.severity.rawValue,
                "title": event.title,
                "nativeID": event.nativeID, "module": event.module.rawValue, "connector": event.connector,
                "resource": event.resource.name ?? event.resource.id ?? "—", "cloud": event.resource.cloud ?? "",
                "account": event.resource.accountID ?? "",
                "status": event.status,
                "deliveries": deliveries.isEmpty
                    ? "—" : deliveries.map { "\(names[$0.integrationID] ?? $0.integrationID): \($0.state)" }.joined(separator: ", "),
            ]
        }
        page["events"] = rows
        page["hasEvents"] = !rows.isEmpty
        // Pages by keyset: each link carries the filters and the position of the last event shown.
        let total = try await app.events.count(eventQuery)
        page["total"] = total == 1 ? "1 event matches" : "\(total) events match"
        let filters = ["q", "connector", "kind", "severity", "module", "status", "delivery", "integration"].compactMap { name in
            chosen(name).map { "\(name)=\($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }
        }
        page["older"] = ConsoleFormat.present(found.next.map { "/console/events?" + (filters + ["after=\($0)"]).joined(separator: "&") })
        page["newest"] = ConsoleFormat.present(eventQuery.after == nil ? nil : "/console/events?" + filters.joined(separator: "&"))
        page["q"] = chosen("q") ?? ""
        func select(_ name: String, _ label: String, _ values: [String]) -> [String: Any] {
            [
                "name": name, "label": label,
                "options": [["value": "", "label": "Any", "selected": chosen(name) == nil]]
                    + values.map { ["value": $0, "label": $0, "selected": chosen(name) == $0] },
            ]
        }
        let integrations = try await app.integrations.list()
        var integration = select("integration", "Sent to", [])
        integration["options"] =
            [["value": "", "label": "Any", "selected": chosen("integration") == nil]]
            + integrations.map { ["value": $0.id, "label": $0.name, "selected": chosen("integration") == $0.id] }
        var delivery = select("delivery", "Delivery", [])
        delivery["options"] =
            [["value": "", "label": "Any", "selected": chosen("delivery") == nil]]
            + [("pending", "waiting"), ("delivered", "delivered"), ("dead", "dead letter"), ("none", "sent nowhere")].map {
                ["value": $0.0, "label": $0.1, "selected": chosen("delivery") == $0.0]
            }
        page["selects"] = [
            select("connector", "Connector", try await app.connectors.names()),
            select("kind", "Kind", EventKind.allCases.map(\.rawValue)),
            select("severity", "Severity", [Severity.high, .medium, .low, .info].map(\.rawValue)),
            select("module", "Module", Module.allCases.map(\.rawValue)),
            select("status", "Status", ["open", "resolved", "dismissed", "snoozed", "pending_resolution"]),
            delivery, integration,
        ]
        return renderer.page("events", page)
    }

    func eventDetail(_ context: RelayRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        guard let event = try await app.events.get(id) else {
            return await notFound(context, "There is no event \(id).", back: "/console/events")
        }
        var page = await base(context, section: "Events")
        let now = app.clock()
        page["title"] = event.title
        page["severity"] = event.severity.rawValue
        page["status"] = event.status
        page["module"] = event.module.rawValue
        page["nativeID"] = event.nativeID
        page["eventID"] = ConsoleFormat.segment(event.id)
        if let link = event.link { page["link"] = link }
        let facts: [(String, String?)] =
            [
                ("Event id", event.id), ("Kind", event.kind.rawValue), ("Connector", event.connector), ("Native id", event.nativeID),
                ("Version", event.version), ("Severity", event.severity.rawValue), ("Original severity", event.originalSeverity),
                ("Module", event.module.rawValue), ("Description", event.description), ("Policy", event.policy?.name),
                ("Policy id", event.policy?.id), ("Policy type", event.policy?.type), ("Resource", event.resource.name),
                ("Resource id", event.resource.id), ("Resource type", event.resource.type), ("Cloud", event.resource.cloud),
                ("Account", event.resource.accountID), ("Region", event.resource.region), ("First seen", event.firstSeen),
                ("Last seen", event.lastSeen), ("Observed", event.observedAt),
            ]
            // An audit record's actor, action and result.
            + (event.audit.map { audit in
                [
                    ("User", audit.user), ("IP address", audit.ipAddress), ("With an access key", audit.accessKey ? "yes" : "no"),
                    ("Action", audit.action), ("Result", audit.result), ("Audit log", audit.type),
                ]
            } ?? [])
        page["facts"] = facts.compactMap { label, value -> [String: Any]? in
            guard let value else { return nil }
            // A time reads as the tables' do: relative, the absolute time on hover.
            if let millis = Timestamp.epochMilliseconds(rfc3339: value) {
                return ["label": label, "value": value, "when": ConsoleFormat.when(millis, now: now)]
            }
            return ["label": label, "value": value, "when": false]
        }
        page["guidance"] = Self.guidance(event)
        page["hasGuidance"] = !Self.guidance(event).isEmpty
        page["raw"] = event.rawEvent.prettyJSONString()
        page["enrichment"] = Self.enrichment(event, names: { [app] in app.integrations.displayName(of: IntegrationType(rawValue: $0)) })
        page["hasEnrichment"] = !event.enrichment.members.isEmpty
        let names = Dictionary(uniqueKeysWithValues: try await app.integrations.list().map { ($0.id, $0.name) })
        let deliveries = try await app.events.deliveries(of: [id])[id] ?? []
        page["deliveries"] = deliveries.map { delivery -> [String: Any] in
            let badge = ["delivered": "ok", "pending": "warn", "dead": "bad"][delivery.state] ?? "off"
            let delivered = delivery.state == "delivered"
            let detail = delivered ? "" : (delivery.lastError ?? "")
            let finished = ConsoleFormat.present(delivered ? ConsoleFormat.when(delivery.finishedAt, now: now) : nil)
            return [
                "integrationID": delivery.integrationID, "integration": names[delivery.integrationID] ?? delivery.integrationID,
                "state": delivery.state, "badge": badge, "attempts": delivery.attempts, "detail": detail, "finished": finished,
            ]
        }
        page["hasDeliveries"] = !deliveries.isEmpty
        try await addActions(of: event, to: &page, now: now)
        return renderer.page("event", page)
    }

    /// The event page's actions in Prisma Cloud: the buttons its kind allows (when its connector allows actions) and
    /// the actions taken, newest first.
    func addActions(of event: NormalizedEvent, to page: inout [String: Any], now: Int64) async throws {
        guard event.kind == .alert || event.kind == .incident else { return }
        page["actionable"] = true
        let connector = try await app.connectors.find(event.connector)
        page["actionsAllowed"] = connector?.allowActions ?? false
        page["connectorPath"] = "/console/connectors/\(ConsoleFormat.segment(event.connector))"
        page["connector"] = event.connector
        page["isAlert"] = event.kind == .alert
        let records = try await app.actions.actions(of: event)
        // Dismissed in Prisma, by its status or by the last action taken here (before the next poll brings it).
        let last = records.first.flatMap { $0.succeeded ? $0.action : nil }
        page["canReopen"] = ["dismissed", "snoozed"].contains(event.status) || ["dismiss", "snooze"].contains(last ?? "")
        page["actions"] = records.map { record -> [String: Any] in
            [
                "action": record.action, "actor": record.actor, "note": record.note ?? "", "duration": record.duration ?? "",
                "outcome": record.outcome.rawValue.replacingOccurrences(of: "_", with: " "),
                "badge": record.succeeded ? "ok" : "bad", "detail": record.detail,
                "when": ConsoleFormat.when(record.requestedAt, now: now),
            ]
        }
        page["hasActions"] = !records.isEmpty
    }

    /// `POST /console/events/{id}/actions`: one action on the event's finding, with Prisma's answer as the flash.
    func actOnEvent(_ context: RelayRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        let back = "/console/events/\(ConsoleFormat.segment(id))"
        let form = context.form ?? FormData("")
        let actor = "console user \(context.session?.keyName ?? "unknown")"
        let action: AlertAction
        switch Result(catching: { () throws(ConfigErrors) in
            // The form's note is read by its Dismiss and Snooze buttons, its duration by Snooze alone.
            try AlertAction(
                action: form["action"], note: ["dismiss", "snooze"].contains(form["action"] ?? "") ? form["note"] : nil,
                duration: form["action"] == "snooze" ? form["duration"] : nil, actor: actor)
        }) {
        case .success(let parsed): action = parsed
        case .failure(let errors): return await done(context, back, "The action was not sent: \(errors)", ok: false)
        }
        do {
            let record = try await app.actions.act(on: id, action, by: actor)
            let lead = record.outcome == .done ? "Done" : record.outcome == .alreadyDone ? "Already done" : "Not done"
            return await done(context, back, "\(lead): \(record.detail).", ok: record.succeeded)
        } catch let refusal as ActionService.Refusal {
            return await done(context, back, refusal.description, ok: false)
        }
    }

    /// What Prisma Cloud says to do about the alert, from its policy as received: the recommendation, and the
    /// remediation's description and CLI template when the policy is remediable.
    static func guidance(_ event: NormalizedEvent) -> [[String: Any]] {
        let policy = event.rawEvent["policy"]
        var parts: [[String: Any]] = []
        if let text = policy?["recommendation"]?.stringValue, !text.isEmpty {
            parts.append(["heading": "Recommendation", "text": text, "code": false])
        }
        let remediation = policy?["remediation"]
        if let text = remediation?["description"]?.stringValue, !text.isEmpty {
            parts.append(["heading": "Remediation", "text": text, "code": false])
        }
        if let script = remediation?["cliScriptTemplate"]?.stringValue, !script.isEmpty {
            parts.append(["heading": "Remediation command (template)", "text": script, "code": true])
        }
        return parts
    }

    /// What the enrichment sources said of the event, per source: each user or host as labelled facts, and the
    /// source's error when it could not say in time.
    static func enrichment(_ event: NormalizedEvent, names: (String) -> String) -> [[String: Any]] {
        event.enrichment.map { member in
            let section = member.value
            let items = (section["users"] ?? section["hosts"])?.arrayValue ?? []
            return [
                "source": names(member.key), "error": section["error"]?.stringValue ?? "", "hasError": section["error"] != nil,
                "empty": items.isEmpty && section["error"] == nil,
                "items": items.map { item in
                    ["facts": (item.objectValue ?? [:]).map { ["label": $0.key, "value": Self.text($0.value)] }]
                },
            ]
        }
    }

    /// A JSON value as one line: lists joined, objects as `key value` pairs, a list of objects by their names.
    static func text(_ value: JSONValue) -> String {
        switch value {
        case .null: return "—"
        case .bool(let flag): return flag ? "yes" : "no"
        case .number(let literal): return literal
        case .string(let string): return string
        case .array(let items):
            guard !items.isEmpty else { return "none" }
            return items.map { item in
                guard let object = item.objectValue else { return text(item) }
                let name = (object["pluginName"] ?? object["title"] ?? object["qid"]).map(text) ?? text(item)
                let score = [object["vpr"].map { "VPR \(text($0))" }, object["severity"].map { "severity \(text($0))" }].compactMap { $0 }
                return score.isEmpty ? name : "\(name) (\(score.joined(separator: ", ")))"
            }.joined(separator: "; ")
        case .object(let object): return object.map { "\($0.key) \(text($0.value))" }.joined(separator: ", ")
        }
    }
}
