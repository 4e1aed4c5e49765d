import Foundation
import Hummingbird
import Relay
import RelayModel

/// Alert rules at Prisma's paths: `GET /v2/alert/rule`, `POST /alert/rule`, `GET|PUT|DELETE /alert/rule/{id}`; and
/// the relay's own `POST /alert/rule/{id}/backfill` (`{"hours": 24, "dryRun": true}`): the stored events the rule
/// matches, counted or queued for its integrations.
/// The integrations a rule notifies come from `integrationIDs`, or from Prisma's
/// `alertRuleNotificationConfig[].recipients`.
struct AlertRulesController {
    let rules: RuleService

    func addRoutes(to router: Router<RelayRequestContext>) {
        router.get("v2/alert/rule") { request, _ in
            let enabled = request.uri.queryParameters.get("enabled").map { $0 == "true" }
            return JSONResponse.ok(.array(try await rules.list(enabled: enabled).map(Self.json)))
        }
        router.post("alert/rule") { request, _ in
            try await answer { try await rules.create(try RuleService.Draft(json: try await JSONResponse.body(request))) }
        }
        router.get("alert/rule/:id") { _, context in
            try await answer { try await rules.get(try context.parameters.require("id")) }
        }
        router.put("alert/rule/:id") { request, context in
            let id = try context.parameters.require("id")
            return try await answer {
                try await rules.replace(id: id, with: try RuleService.Draft(json: try await JSONResponse.body(request)))
            }
        }
        router.post("alert/rule/:id/backfill") { request, context in
            let given = try context.parameters.require("id")
            let id = given.removingPercentEncoding ?? given
            do {
                let body = try await JSONResponse.body(request)
                if let body, body.objectValue == nil {
                    throw ConfigErrors([ConfigError(field: "body", "must be a JSON object, e.g. {\"hours\": 24, \"dryRun\": true}")])
                }
                let hours = try Self.integer(body?["hours"], field: "hours") ?? 24
                if let given = body?["dryRun"], given.boolValue == nil {
                    throw ConfigErrors([ConfigError(field: "dryRun", "must be true (only count) or false (queue them)")])
                }
                let dryRun = body?["dryRun"]?.boolValue ?? false
                let done = try await rules.backfill(id, hours: hours, apply: !dryRun)
                return JSONResponse.ok(
                    .object([
                        "rule": .string(done.rule), "hours": .int(done.hours), "matched": .int(done.matched), "queued": .int(done.queued),
                        "dryRun": .bool(dryRun),
                    ]))
            } catch let errors as ConfigErrors {
                return JSONResponse.redlock(.badRequest, "invalid_backfill", subjects: errors.errors.map(\.description))
            } catch is UnknownReference {
                return JSONResponse.redlock(.notFound, "not_found")
            }
        }
        router.delete("alert/rule/:id") { _, context in
            do {
                try await rules.delete(try context.parameters.require("id"))
                return JSONResponse.empty(.noContent)
            } catch StoreError.unknownRule {
                return JSONResponse.redlock(.notFound, "not_found")
            }
        }
    }

    /// The rule, or the refusal in Prisma's shape: 400 with the fields, 404 for an unknown rule.
    func answer(_ work: () async throws -> AlertRule) async throws -> Response {
        do {
            return JSONResponse.ok(Self.json(try await work()))
        } catch let errors as ConfigErrors {
            return JSONResponse.redlock(.badRequest, "invalid_alert_rule", subjects: errors.errors.map(\.description))
        } catch let error as StoreError {
            switch error {
            case .unknownRule: return JSONResponse.redlock(.notFound, "not_found")
            case .ruleNameExists: return JSONResponse.redlock(.badRequest, "alert_rule_name_already_exists", subjects: [error.description])
            default: return JSONResponse.redlock(.badRequest, "invalid_alert_rule", subjects: [error.description])
            }
        }
    }

    /// A whole number given as a JSON number, or nil when absent; anything else is refused naming the field.
    static func integer(_ value: JSONValue?, field: String) throws -> Int? {
        guard let value, value != .null else { return nil }
        guard case .number = value, let number = value.int64Value, let int = Int(exactly: number) else {
            throw ConfigErrors([ConfigError(field: field, "must be a whole number")])
        }
        return int
    }

    /// The rule in Prisma's field names (with the relay's `filters` and `integrationIDs`).
    static func json(_ rule: AlertRule) -> JSONValue {
        let filters = (try? JSONEncoder().encode(rule.filters)).flatMap { try? JSONValue.parse(Array($0)) } ?? .object([:])
        return .object([
            "policyScanConfigId": .string(rule.id), "name": .string(rule.name), "description": .optional(rule.description),
            "enabled": .bool(rule.enabled), "filters": filters, "notifyOnOpen": .bool(rule.notifyOnOpen),
            "notifyOnResolved": .bool(rule.notifyOnResolved), "notifyOnDismissed": .bool(rule.notifyOnDismissed),
            "notifyOnSnoozed": .bool(rule.notifyOnSnoozed), "integrationIDs": .array(rule.integrationIDs.map(JSONValue.string)),
            "raiseSeverityTo": .optional(rule.raiseSeverityTo?.rawValue),
        ])
    }
}
