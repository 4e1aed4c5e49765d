import Foundation
import Hummingbird
import Relay
import RelayModel

extension ConsoleController {
    func addRuleRoutes(to console: RouterGroup<RelayRequestContext>) {
        console.get("rules") { _, context in try await ruleList(context) }
        console.get("rules/new") { _, context in try await ruleForm(context, rule: nil) }
        console.post("rules") { _, context in try await saveRule(context, id: nil) }
        console.get("rules/:id/edit") { _, context in
            let id = try context.parameters.require("id")
            guard let rule = try await app.rules.find(id) else {
                return await notFound(context, "There is no rule \(id).", back: "/console/rules")
            }
            return try await ruleForm(context, rule: rule)
        }
        console.post("rules/:id") { _, context in try await saveRule(context, id: try context.parameters.require("id")) }
        for (action, enabled) in [("enable", true), ("disable", false)] {
            console.post("rules/:id/\(action)") { _, context in
                let id = try context.parameters.require("id")
                guard try await app.rules.find(id) != nil else {
                    return await notFound(context, "There is no rule \(id).", back: "/console/rules")
                }
                let rule = try await app.rules.setEnabled(id: id, enabled)
                return await done(context, "/console/rules", "Rule \(rule.name) is \(enabled ? "enabled" : "disabled").")
            }
        }
        console.get("rules/:id/backfill") { request, context in
            let hours = request.uri.queryParameters.get("hours").flatMap { Int($0) } ?? 24
            return try await backfillOffer(context, id: try context.parameters.require("id"), hours: hours)
        }
        console.post("rules/:id/backfill") { _, context in
            let id = try context.parameters.require("id")
            let hours = context.form?["hours"].flatMap { Int($0) } ?? 24
            do {
                let sent = try await app.rules.backfill(id, hours: hours, apply: true)
                return await done(
                    context, "/console/rules",
                    "Queued \(sent.queued) stored events for rule \(sent.rule)'s integrations; they go out in the next delivery round.")
            } catch is UnknownReference {
                return await notFound(context, "There is no rule \(id).", back: "/console/rules")
            } catch let errors as ConfigErrors {
                return await done(context, "/console/rules", errors.errors.map(\.message).joined(separator: "; "), ok: false)
            }
        }
        console.get("rules/:id/delete") { _, context in
            let id = try context.parameters.require("id")
            let name = try await app.rules.find(id)?.name ?? id
            return await confirmDelete(
                context, section: "Rules", what: "rule \(name)",
                question: "New events stop going where this rule sends them. Deliveries already queued still go out.",
                action: "/console/rules/\(id)/delete", back: "/console/rules")
        }
        console.post("rules/:id/delete") { _, context in
            try await app.rules.delete(try context.parameters.require("id"))
            return await done(context, "/console/rules", "The rule was deleted.")
        }
    }

    func ruleList(_ context: RelayRequestContext) async throws -> Response {
        var page = await base(context, section: "Rules")
        let names = Dictionary(uniqueKeysWithValues: try await app.integrations.list().map { ($0.id, $0.name) })
        let rules = try await app.rules.list()
        page["rules"] = rules.map { rule -> [String: Any] in
            let f = rule.filters
            let parts: [(String, [String])] = [
                ("severity", f.severities.map(\.rawValue)), ("module", f.modules.map(\.rawValue)), ("policy type", f.policyTypes),
                ("cloud", f.cloudTypes), ("account", f.accountIDs), ("region", f.regions), ("policy", f.policyNames),
                ("connector", f.connectors), ("enrichment shows", f.enrichment.map(\.rawValue)), ("kind", f.kinds.map(\.rawValue)),
                ("audit action", f.auditActions), ("audit user", f.auditUsers), ("audit result", f.auditResults),
                ("audit log", f.auditTypes),
            ]
            let filters = parts.filter { !$0.1.isEmpty }.map { "\($0.0): \($0.1.joined(separator: ", "))" }.joined(separator: "; ")
            let transitions = [
                ("open", rule.notifyOnOpen), ("resolved", rule.notifyOnResolved), ("dismissed", rule.notifyOnDismissed),
                ("snoozed", rule.notifyOnSnoozed),
            ]
            .filter(\.1).map(\.0).joined(separator: ", ")
            let raised = rule.raiseSeverityTo.map { "; raised to \($0.rawValue)" } ?? ""
            return [
                "id": rule.id, "name": rule.name, "status": rule.enabled ? "Enabled" : "Disabled", "badge": rule.enabled ? "ok" : "off",
                "filters": (filters.isEmpty ? "every event" : filters) + raised, "transitions": transitions,
                "targets": rule.integrationIDs.map { names[$0] ?? $0 }.joined(separator: ", "),
                "toggleAction": rule.enabled ? "disable" : "enable", "toggleLabel": rule.enabled ? "Disable" : "Enable",
            ]
        }
        page["hasRules"] = !rules.isEmpty
        return renderer.page("rules", page)
    }

    static let policyTypes = [
        "config", "network", "audit_event", "anomaly", "data", "iam", "attack_path", "workload_vulnerability", "workload_incident",
    ]

    func ruleForm(
        _ context: RelayRequestContext, rule: AlertRule?, typed: FormData? = nil, errors: [String: String] = [:], formErrors: [String] = []
    ) async throws -> Response {
        var page = await base(context, section: "Rules")
        page["heading"] = rule.map { "Rule \($0.name)" } ?? "Add an alert rule"
        page["action"] = rule.map { "/console/rules/\($0.id)" } ?? "/console/rules"
        page["formErrors"] = formErrors
        let f = rule?.filters ?? AlertRule.Filters()
        func text(_ name: String, _ label: String, _ stored: [String], help: String) -> [String: Any] {
            var field: [String: Any] = [
                "name": name, "label": label, "isInput": true, "inputType": "text", "help": help,
                "value": typed?.values[name]?.first ?? stored.joined(separator: ", "),
            ]
            if let error = errors[name] ?? errors["filters.\(name)"] { field["error"] = error }
            return field
        }
        var nameField: [String: Any] = [
            "name": "name", "label": "Name", "isInput": true, "inputType": "text", "required": true,
            "value": typed?["name"] ?? rule?.name ?? "",
        ]
        if let error = errors["name"] { nameField["error"] = error }
        page["fields"] = [
            nameField,
            text("cloudTypes", "Clouds", f.cloudTypes, help: "Comma-separated, e.g. aws, azure, gcp"),
            text("accountIDs", "Cloud accounts", f.accountIDs, help: "Comma-separated account IDs"),
            text("regions", "Regions", f.regions, help: "Comma-separated, e.g. us-east-1"),
            text("policyNames", "Policies", f.policyNames, help: "Comma-separated policy names"),
            text("auditActions", "Audit actions", f.auditActions, help: "Audit records only: comma-separated, e.g. LOGIN, DELETE"),
            text("auditUsers", "Audit users", f.auditUsers, help: "Audit records only: comma-separated user names"),
            text(
                "auditResults", "Audit results", f.auditResults,
                help: "Audit records only: success, failure, or a Compute audit's effect (block, alert, denied, …)"),
            text(
                "auditTypes", "Audit logs", f.auditTypes,
                help: "Audit records only: cspm (the tenant's log) or Compute streams, e.g. container, waas, admission"),
            text(
                "raiseSeverityTo", "Raise severity to", rule?.raiseSeverityTo.map { [$0.rawValue] } ?? [],
                help: "high, medium, low or info: when the enrichment shows one of the ticked conditions (optional)"),
            [
                "name": "enabled", "label": "Enabled", "isCheckbox": true,
                "checked": typed.map { $0.checked("enabled") } ?? rule?.enabled ?? true,
            ],
        ]
        func group(_ legend: String, _ name: String, _ options: [(String, String)], _ chosen: [String], error: String? = nil) -> [String:
            Any]
        {
            let picked = typed?.all(name) ?? chosen
            var out: [String: Any] = [
                "legend": legend,
                "choices": options.map { ["name": name, "value": $0.0, "label": $0.1, "checked": picked.contains($0.0)] },
            ]
            if let error { out["error"] = error }
            if options.isEmpty { out["empty"] = name == "integrations" ? "No integration yet: add one first." : "None yet." }
            return out
        }
        let transitions = [
            ("open", rule?.notifyOnOpen ?? true), ("resolved", rule?.notifyOnResolved ?? false),
            ("dismissed", rule?.notifyOnDismissed ?? false), ("snoozed", rule?.notifyOnSnoozed ?? false),
        ]
        page["groups"] = [
            group(
                "Send to", "integrations",
                try await app.integrations.list().map { ($0.id, "\($0.name) (\(app.integrations.displayName(of: $0.type)))") },
                rule?.integrationIDs ?? [],
                error: errors["integrationIDs"]),
            group("Notify when an alert is", "notify", transitions.map { ($0.0, $0.0) }, transitions.filter(\.1).map(\.0)),
            group(
                "Severity", "severities", [Severity.high, .medium, .low, .info].map { ($0.rawValue, $0.rawValue.capitalized) },
                f.severities.map(\.rawValue)),
            group(
                "Kinds of event (none ticked: alerts, incidents and health events; audit records only when ticked)", "kinds",
                [("alert", "Alerts"), ("incident", "Compute incidents"), ("audit", "Audit records"), ("health", "Relay health")],
                f.kinds.map(\.rawValue), error: errors["filters.kinds"]),
            group("Module", "modules", Module.allCases.map { ($0.rawValue, $0.rawValue) }, f.modules.map(\.rawValue)),
            group("Policy type", "policyTypes", Self.policyTypes.map { ($0, $0) }, f.policyTypes),
            group("Connectors", "connectors", try await app.connectors.names().map { ($0, $0) }, f.connectors),
            group(
                "Enrichment shows (checked as the event is delivered)", "enrichment",
                EnrichmentCondition.allCases.map { ($0.rawValue, Self.describe($0)) }, f.enrichment.map(\.rawValue),
                error: errors["filters.enrichment"]),
        ]
        return renderer.page("rule-form", page, status: errors.isEmpty && formErrors.isEmpty ? .ok : .unprocessableContent)
    }

    func saveRule(_ context: RelayRequestContext, id: String?) async throws -> Response {
        let form = context.form ?? FormData("")
        func list(_ name: String) -> [String] {
            form.all(name).flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        let filterNames = [
            "severities", "modules", "policyTypes", "cloudTypes", "accountIDs", "regions", "policyNames", "connectors", "enrichment",
            "kinds", "auditActions", "auditUsers", "auditResults", "auditTypes",
        ]
        let draft = RuleService.Draft(
            name: form["name"] ?? "", enabled: form.checked("enabled"),
            filters: Dictionary(uniqueKeysWithValues: filterNames.map { ($0, list($0)) }), notifyOn: form.all("notify"),
            integrationIDs: list("integrations"), raiseSeverityTo: form["raiseSeverityTo"])
        let existing = try await id.asyncMap { try await app.rules.find($0) } ?? nil
        do {
            let rule =
                if let existing { try await app.rules.replace(id: existing.id, with: draft) } else { try await app.rules.create(draft) }
            // Events stored before the rule are not sent through it unless asked: the offer's page counts them (once) and
            // says when there is nothing to send.
            return await done(
                context, rule.enabled ? "/console/rules/\(rule.id)/backfill" : "/console/rules", "Rule \(rule.name) was saved.")
        } catch let errors as ConfigErrors {
            return try await ruleForm(context, rule: existing, typed: form, errors: ConsoleController.fieldErrors(errors))
        } catch let error as StoreError {
            return try await ruleForm(context, rule: existing, typed: form, formErrors: [error.description])
        }
    }

    /// How many stored events the rule would send, for a look-back the user picks, and the button that sends them.
    func backfillOffer(_ context: RelayRequestContext, id: String, hours: Int) async throws -> Response {
        let found: RuleService.Backfill
        do {
            found = try await app.rules.backfill(id, hours: hours, apply: false)
        } catch is UnknownReference {
            return await notFound(context, "There is no rule \(id).", back: "/console/rules")
        } catch let errors as ConfigErrors {
            return await done(context, "/console/rules", errors.errors.map(\.message).joined(separator: "; "), ok: false)
        }
        var page = await base(context, section: "Rules")
        let choices = [
            (1, "the last hour"), (6, "the last 6 hours"), (24, "the last 24 hours"), (72, "the last 3 days"), (168, "the last 7 days"),
            (720, "the last 30 days"),
        ]
        page["id"] = id
        page["rule"] = found.rule
        page["hours"] = found.hours
        page["choices"] = choices.map { ["value": $0.0, "label": $0.1, "selected": $0.0 == found.hours] }
        page["queued"] = found.queued == 1 ? "1 event" : "\(found.queued) events"
        page["canSend"] = found.queued > 0
        let span = choices.first { $0.0 == found.hours }?.1 ?? "the last \(found.hours) hours"
        page["summary"] =
            found.queued > 0
            ? "\(found.matched) stored events from \(span) match this rule; \(found.queued) of them have not gone to its integrations yet."
            : "\(found.matched) stored events from \(span) match this rule; its integrations have them all (or their alerts) already."
        return renderer.page("rule-backfill", page)
    }

    /// A condition in words.
    static func describe(_ condition: EnrichmentCondition) -> String {
        switch condition {
        case .oktaAdmin: "an Okta user it names is an admin"
        case .oktaNoMFA: "an Okta user it names has no MFA"
        case .oktaInactive: "an Okta user it names is not active"
        case .hostCritical: "a host it names has critical vulnerabilities"
        case .hostHigh: "a host it names has high or critical vulnerabilities"
        }
    }
}
