import Foundation
import Hummingbird
import Relay
import RelayModel

extension ConsoleController {
    func addIntegrationRoutes(to console: RouterGroup<RelayRequestContext>) {
        console.get("integrations") { _, context in try await integrationList(context) }
        console.get("integrations/new") { request, context in
            await integrationForm(context, type: request.uri.queryParameters.get("type").flatMap { try? app.integrations.type(named: $0) })
        }
        console.post("integrations") { _, context in try await saveIntegration(context, id: nil) }
        console.post("integrations/draft-test") { _, context in try await saveIntegration(context, id: nil, testOnly: true) }
        console.get("integrations/:id/edit") { _, context in
            let id = try context.parameters.require("id")
            guard let integration = try await app.integrations.find(id) else {
                return await notFound(context, "There is no integration with id \(id).", back: "/console/integrations")
            }
            return await integrationForm(context, type: integration.type, existing: integration)
        }
        console.post("integrations/:id") { _, context in try await saveIntegration(context, id: try context.parameters.require("id")) }
        console.post("integrations/:id/draft-test") { _, context in
            try await saveIntegration(context, id: try context.parameters.require("id"), testOnly: true)
        }
        console.post("integrations/:id/test") { _, context in try await testIntegration(context) }
        console.get("integrations/:id/dead-letters") { _, context in try await deadLetters(context) }
        console.post("integrations/:id/dead-letters/retry") { _, context in
            let id = try context.parameters.require("id")
            let count = try await app.deliveries.retry(integrationID: id, seq: nil)
            return await done(
                context, integrationBack(context, id, fallback: "/console/integrations/\(id)/dead-letters"),
                "\(count) dead letters are queued again.")
        }
        console.post("integrations/:id/dead-letters/:seq/retry") { _, context in
            let id = try context.parameters.require("id")
            let count = try await app.deliveries.retry(integrationID: id, seq: try context.parameters.require("seq", as: Int64.self))
            return await done(
                context, integrationBack(context, id, fallback: "/console/integrations/\(id)/dead-letters"),
                count == 1 ? "The event is queued again." : "That dead letter is gone.", ok: count == 1)
        }
        console.post("integrations/:id/dead-letters/:seq/discard") { _, context in
            let id = try context.parameters.require("id")
            let discarded = try await app.deliveries.discard(
                integrationID: id, seq: try context.parameters.require("seq", as: Int64.self))
            return await done(
                context, integrationBack(context, id, fallback: "/console/integrations/\(id)/dead-letters"),
                discarded ? "Discarded: kept on record, never sent." : "That dead letter is gone.", ok: discarded)
        }
        console.get("integrations/:id/delete") { _, context in
            let id = try context.parameters.require("id")
            let name = try await app.integrations.find(id)?.name ?? id
            return await confirmDelete(
                context, section: "Integrations", what: "integration \(name)",
                question: "Events waiting for it are no longer sent. Rules that send to it must be changed first.",
                action: "/console/integrations/\(id)/delete", back: "/console/integrations")
        }
        console.post("integrations/:id/delete") { _, context in
            let id = try context.parameters.require("id")
            do {
                try await integrations.delete(id)
                return await done(context, "/console/integrations", "The integration was deleted.")
            } catch let error as IntegrationError {
                return await done(context, "/console/integrations", error.description, ok: false)
            }
        }
    }

    func integrationList(_ context: RelayRequestContext) async throws -> Response {
        var page = await base(context, section: "Integrations")
        let now = app.clock()
        var rows: [[String: Any]] = []
        for (integration, health) in try await app.deliveries.list() {
            rows.append([
                "id": integration.id, "name": integration.name, "typeLabel": app.integrations.displayName(of: integration.type),
                "enabled": integration.enabled,
                "status": health.paused ? "RED · paused" : health.status.rawValue, "badge": ConsoleFormat.badge(health.status),
                "reason": ConsoleFormat.present(health.status == .green ? nil : ConsoleFormat.error(health.message)),
                "tone": health.status == .red ? "bad" : "warn", "queued": health.queueDepth, "delivered": health.delivered,
                "failed": health.failed, "lastDelivery": ConsoleFormat.when(health.lastDeliveryAt, now: now),
                "toggleAction": integration.enabled ? "disable" : "enable", "toggleLabel": integration.enabled ? "Disable" : "Enable",
            ])
        }
        page["integrations"] = rows
        page["hasIntegrations"] = !rows.isEmpty
        return renderer.page("integrations", page)
    }

    /// The type chooser, or the form of one type (generated from its schema), with the stored integration's status
    /// when editing and the result of a Test of what the form holds.
    func integrationForm(
        _ context: RelayRequestContext, type: IntegrationType?, existing: Integration? = nil, typed: FormData? = nil,
        errors: [String: String] = [:], formErrors: [String] = [], test: IntegrationService.TestReport? = nil
    ) async -> Response {
        var page = await base(context, section: "Integrations")
        guard let type = type ?? existing?.type, let schema = try? app.integrations.schema(of: type) else {
            page["heading"] = "Add an integration"
            page["lead"] = "Choose where events go; the form then asks for what that destination needs."
            page["chooseType"] = true
            page["types"] = app.integrations.schemas.sorted { $0.displayName < $1.displayName }.map {
                ["value": $0.type.rawValue, "label": $0.displayName]
            }
            return renderer.page("integration-form", page)
        }
        page["heading"] = existing.map { "\($0.name) · \(schema.displayName)" } ?? "Add a \(schema.displayName) integration"
        page["lead"] =
            "Each field shows, beside its name, the integrationConfig key Prisma Cloud's API uses for it (type \(type.rawValue)). "
            + "Test sends a test message with what the form holds, before anything is saved."
        page["type"] = type.rawValue
        page["action"] = existing.map { "/console/integrations/\($0.id)" } ?? "/console/integrations"
        page["testAction"] = (existing.map { "/console/integrations/\($0.id)" } ?? "/console/integrations") + "/draft-test"
        page["formErrors"] = formErrors
        if let test {
            let message = test.configValid ? test.description : test.problems.joined(separator: "; ")
            page["test"] = [
                "kind": test.success ? "ok" : "bad", "prefix": test.success ? "Test passed: " : "Test failed: ",
                "error": ConsoleFormat.present(ConsoleFormat.error(message)),
            ]
        }
        if let existing, let health = try? await app.deliveries.health(of: existing.id) {
            page["status"] = [
                "label": health.paused ? "RED · paused" : existing.enabled ? health.status.rawValue : "Disabled",
                "badge": existing.enabled ? ConsoleFormat.badge(health.status) : "off", "href": "/console/integrations/\(existing.id)",
                "reason": ConsoleFormat.present(health.status == .green ? nil : ConsoleFormat.error(health.message)),
            ]
        }
        var nameField: [String: Any] = [
            "name": "name", "label": "Name", "isInput": true, "inputType": "text", "required": true,
            "value": typed?["name"] ?? existing?.name ?? "", "help": "How rules and the console name it, e.g. soc-webhook",
        ]
        if let error = errors["name"] { nameField["error"] = "Name " + error }
        let common: [[String: Any]] = [
            nameField,
            [
                "name": "description", "label": "Description", "isInput": true, "inputType": "text", "required": false,
                "value": typed?["description"] ?? existing?.description ?? "",
            ],
            [
                "name": "enabled", "label": "Enabled: send events to it", "isCheckbox": true,
                "checked": typed.map { $0.checked("enabled") } ?? existing?.enabled ?? true,
            ],
        ]
        if typed == nil, let session = context.session {
            // A fresh form starts without the secrets typed for an earlier, abandoned one.
            for field in schema.fields where field.secret {
                try? await sessions.dropDraftSecret(session.id, form: draftKey(existing?.id, field.key))
            }
        }
        let shown = existing.map { schema.masked($0.config) } ?? [:]
        let drafted = Set(schema.fields.filter { draftSecret(context, existing?.id, $0.key) != nil }.map(\.key))
        page["fields"] = common + IntegrationForm.fields(schema, shown: shown, typed: typed, errors: errors, drafted: drafted)
        return renderer.page("integration-form", page, status: errors.isEmpty && formErrors.isEmpty ? .ok : .unprocessableContent)
    }

    /// Where a typed secret waits in the session between a Test and Save, so that it need not be typed twice and is
    /// never sent back to the browser.
    func draftKey(_ id: String?, _ key: String) -> String { "integration:\(id ?? "new"):\(key)" }

    func draftSecret(_ context: RelayRequestContext, _ id: String?, _ key: String) -> String? {
        context.session?.draftSecrets[draftKey(id, key)]
    }

    /// Saves the form (or, with `testOnly`, tests what it holds and shows the form again with the result).
    func saveIntegration(_ context: RelayRequestContext, id: String?, testOnly: Bool = false) async throws -> Response {
        var form = context.form ?? FormData("")
        let existing = try await id.asyncMap { try await app.integrations.find($0) } ?? nil
        guard let type = existing?.type ?? form["integrationType"].flatMap({ try? app.integrations.type(named: $0) }),
            let schema = try? app.integrations.schema(of: type)
        else {
            return await integrationForm(context, type: nil)
        }
        // A secret shown as the mask is the one typed before a Test, when there is one; else (editing) the stored one.
        var typedSecrets: [String: String] = [:]
        for field in schema.fields where field.secret {
            let name = "cfg.\(field.key)"
            if form[name] == Secret.mask, let draft = draftSecret(context, existing?.id, field.key) {
                form = form.setting(name, draft)
            } else if let value = form[name], !value.isEmpty, value != Secret.mask {
                typedSecrets[field.key] = value
            }
        }
        func again(errors: [String: String] = [:], test: IntegrationService.TestReport? = nil) async -> Response {
            if let session = context.session {
                for (key, value) in typedSecrets {
                    try? await sessions.keepDraftSecret(session.id, form: draftKey(existing?.id, key), value)
                }
            }
            var shown = form
            for field in schema.fields where field.secret && typedSecrets[field.key] != nil {
                shown = shown.setting("cfg.\(field.key)", Secret.mask)
            }
            return await integrationForm(context, type: type, existing: existing, typed: shown, errors: errors, test: test)
        }
        let (config, unreadable) = IntegrationForm.config(schema, form: form)
        guard unreadable.isEmpty else { return await again(errors: unreadable) }
        var draft = IntegrationService.Draft(
            json: .object([
                "name": .string(form["name"] ?? ""), "description": .string(form["description"] ?? ""),
                "integrationType": .string(type.rawValue),
                "enabled": .bool(form.checked("enabled")),
            ]))
        draft.integrationConfig = config
        let caller = "console:\(context.session?.keyName ?? "")"
        do {
            if testOnly {
                let report =
                    if let existing { try await integrations.test(draft, updating: existing.id) } else {
                        try await integrations.test(draft)
                    }
                return await again(test: report)
            }
            let saved =
                if let existing { try await integrations.update(id: existing.id, with: draft, by: caller) } else {
                    try await integrations.create(draft, by: caller)
                }
            if let session = context.session {
                for field in schema.fields where field.secret {
                    try? await sessions.dropDraftSecret(session.id, form: draftKey(existing?.id, field.key))
                }
            }
            return await done(context, "/console/integrations/\(saved.id)", "Integration \(saved.name) was saved.")
        } catch IntegrationError.invalidConfig(let errors) {
            return await again(errors: IntegrationForm.errors(errors))
        } catch IntegrationError.invalidName {
            return await again(errors: ["name": "is required (at most 100 characters)"])
        } catch IntegrationError.nameExists(let name) {
            return await again(errors: ["name": "\(name) is taken: names are unique"])
        }
    }

    func testIntegration(_ context: RelayRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        guard let integration = try await app.integrations.find(id) else {
            return await notFound(context, "There is no integration with id \(id).", back: "/console/integrations")
        }
        let report = try await integrations.test(id: id)
        let back = integrationBack(context, id)
        guard report.configValid else {
            return await done(context, back, "Test of \(integration.name): \(report.problems.joined(separator: "; "))", ok: false)
        }
        return await done(context, back, "Test of \(integration.name): \(report.description)", ok: report.success)
    }

    func deadLetters(_ context: RelayRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        guard let integration = try await app.integrations.find(id) else {
            return await notFound(context, "There is no integration with id \(id).", back: "/console/integrations")
        }
        var page = await base(context, section: "Integrations")
        let now = app.clock()
        page["id"] = id
        page["name"] = integration.name
        let letters = try await app.deliveries.deadLetters(of: id)
        page["letters"] = letters.map {
            [
                "seq": $0.seq, "eventID": $0.eventID, "attempts": $0.attempts, "reason": $0.reason,
                "failedAt": ConsoleFormat.when($0.failedAt, now: now),
            ] as [String: Any]
        }
        page["hasLetters"] = !letters.isEmpty
        return renderer.page("dead-letters", page)
    }
}
