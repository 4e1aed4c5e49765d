import Foundation
import Hummingbird
import RelayModel
import RelayStore

/// Alert rules at Prisma's paths: `GET /v2/alert/rule`, `POST /alert/rule`, `GET|PUT|DELETE /alert/rule/{id}`.
/// The integrations a rule notifies come from `integrationIDs`, or from Prisma's
/// `alertRuleNotificationConfig[].recipients`.
struct AlertRulesController {
    let store: any RelayStore

    func addRoutes(to router: Router<RelayRequestContext>) {
        router.get("v2/alert/rule") { request, _ in
            let enabled = request.uri.queryParameters.get("enabled").map { $0 == "true" }
            let rules = try await store.rules().filter { enabled == nil || $0.enabled == enabled }
            return JSONResponse.ok(.array(rules.map(Self.json)))
        }
        router.post("alert/rule") { request, _ in
            try await write { try Self.rule(from: try await JSONResponse.body(request), id: UUID().uuidString.lowercased()) } store: {
                try await store.addRule($0)
            }
        }
        router.get("alert/rule/:id") { _, context in
            guard let rule = try await store.rule(id: try context.parameters.require("id")) else {
                return JSONResponse.redlock(.notFound, "not_found")
            }
            return JSONResponse.ok(Self.json(rule))
        }
        router.put("alert/rule/:id") { request, context in
            let id = try context.parameters.require("id")
            return try await write { try Self.rule(from: try await JSONResponse.body(request), id: id) } store: { try await store.updateRule($0) }
        }
        router.delete("alert/rule/:id") { _, context in
            do {
                try await store.removeRule(id: try context.parameters.require("id"))
                return JSONResponse.empty(.noContent)
            } catch StoreError.unknownRule {
                return JSONResponse.redlock(.notFound, "not_found")
            }
        }
    }

    func write(_ make: () async throws -> AlertRule, store save: (AlertRule) async throws -> Void) async throws -> Response {
        do {
            let rule = try await make()
            try await save(rule)
            return JSONResponse.ok(Self.json(rule))
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

    /// The rule in Prisma's field names (with the relay's `filters` and `integrationIDs`).
    static func json(_ rule: AlertRule) -> JSONValue {
        let filters = (try? JSONEncoder().encode(rule.filters)).flatMap { try? JSONValue.parse(Array($0)) } ?? .object([:])
        return .object([
            "policyScanConfigId": .string(rule.id), "name": .string(rule.name), "description": .optional(rule.description),
            "enabled": .bool(rule.enabled), "filters": filters, "notifyOnOpen": .bool(rule.notifyOnOpen),
            "notifyOnResolved": .bool(rule.notifyOnResolved), "notifyOnDismissed": .bool(rule.notifyOnDismissed),
            "notifyOnSnoozed": .bool(rule.notifyOnSnoozed), "integrationIDs": .array(rule.integrationIDs.map(JSONValue.string)),
        ])
    }

    /// Reads a rule from a request body; the errors name the fields.
    static func rule(from body: JSONValue?, id: String) throws -> AlertRule {
        guard let body, body.objectValue != nil else { throw ConfigErrors([ConfigError(field: "body", "must be a JSON object")]) }
        var errors: [ConfigError] = []
        let name = body["name"]?.stringValue?.trimmingCharacters(in: .whitespaces) ?? ""
        if name.isEmpty { errors.append(ConfigError(field: "name", "is required")) }
        var filters = AlertRule.Filters()
        if let given = body["filters"], given != .null {
            do {
                filters = try JSONDecoder().decode(AlertRule.Filters.self, from: Data(given.jsonBytes()))
            } catch {
                errors.append(ConfigError(field: "filters", "must be an object of lists (severities, modules, policyTypes, cloudTypes, …): \(error)"))
            }
        }
        var integrations = body["integrationIDs"]?.arrayValue?.compactMap(\.stringValue) ?? []
        for config in body["alertRuleNotificationConfig"]?.arrayValue ?? [] {
            integrations += config["recipients"]?.arrayValue?.compactMap(\.stringValue) ?? []
        }
        if integrations.isEmpty { errors.append(ConfigError(field: "integrationIDs", "name at least one integration to notify")) }
        guard errors.isEmpty else { throw ConfigErrors(errors) }
        return AlertRule(
            id: id, name: name, description: body["description"]?.stringValue, enabled: body["enabled"]?.boolValue ?? true,
            filters: filters, notifyOnOpen: body["notifyOnOpen"]?.boolValue ?? true,
            notifyOnResolved: body["notifyOnResolved"]?.boolValue ?? false,
            notifyOnDismissed: body["notifyOnDismissed"]?.boolValue ?? false,
            notifyOnSnoozed: body["notifyOnSnoozed"]?.boolValue ?? false, integrationIDs: integrations)
    }
}
