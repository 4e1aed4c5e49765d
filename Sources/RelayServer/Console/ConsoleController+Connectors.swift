import Foundation
import Hummingbird
import Relay
import RelayModel

extension ConsoleController {
    func addConnectorRoutes(to console: RouterGroup<RelayRequestContext>) {
        console.get("connectors") { _, context in try await connectorList(context) }
        console.get("connectors/new") { request, context in
            let type = request.uri.queryParameters.get("type") == "compute" ? "compute" : "cspm"
            return await connectorForm(context, values: Self.connectorDefaults(type))
        }
        console.post("connectors") { _, context in try await saveConnector(context, existing: nil) }
        console.post("connectors/test") { _, context in try await testConnector(context, existing: nil) }
        console.get("connectors/:name/edit") { _, context in try await editConnector(context) }
        console.post("connectors/:name") { _, context in try await saveConnector(context, existing: try context.parameters.require("name"))
        }
        console.post("connectors/:name/test") { _, context in
            try await testConnector(context, existing: try context.parameters.require("name"))
        }
        console.post("connectors/:name/poll") { _, context in try await pollConnector(context) }
        console.post("connectors/:name/enable") { _, context in try await setConnector(context, enabled: true) }
        console.post("connectors/:name/disable") { _, context in try await setConnector(context, enabled: false) }
        console.get("connectors/:name/delete") { _, context in
            let name = try context.parameters.require("name")
            return await confirmDelete(
                context, section: "Connectors", what: "connector \(name)",
                question: "Polling stops and the connector's cursor is forgotten. The events it collected stay.",
                action: "/console/connectors/\(ConsoleFormat.segment(name))/delete", back: "/console/connectors")
        }
        console.post("connectors/:name/delete") { _, context in
            let name = try context.parameters.require("name")
            try await app.connectors.remove(name)
            return await done(context, "/console/connectors", "Connector \(name) was deleted; its events stay.")
        }
    }

    /// The collection status screen.
    func connectorList(_ context: RelayRequestContext) async throws -> Response {
        var page = await base(context, section: "Connectors")
        let now = app.clock()
        var rows: [[String: Any]] = []
        for (config, state) in try await app.connectors.list() {
            rows.append([
                "name": config.name, "pathName": ConsoleFormat.segment(config.name),
                "typeLabel": config.type == .cspm ? "CSPM alerts" : "Compute incidents", "apiURL": config.apiURL,
                "status": state.status.rawValue, "badge": ConsoleFormat.badge(state.status),
                "lastError": ConsoleFormat.present(ConsoleFormat.error(state.lastError)),
                "waiting": ConsoleFormat.present(state.waiting),
                "rejected": state.rejectedFindings == 0
                    ? false
                    : "\(state.rejectedFindings) findings from Prisma could not be read and were kept aside (prisma-relay connector rejected \(config.name))",
                "lastPoll": ConsoleFormat.when(state.lastPollAt, now: now),
                "lastAdded": state.lastEventsAdded, "total": state.totalEvents,
                "lag": state.cursor.map { ConsoleFormat.age(now - $0) } ?? "—",
                "toggleAction": config.enabled ? "disable" : "enable", "toggleLabel": config.enabled ? "Disable" : "Enable",
            ])
        }
        page["connectors"] = rows
        page["hasConnectors"] = !rows.isEmpty
        return renderer.page("connectors", page)
    }

    func editConnector(_ context: RelayRequestContext) async throws -> Response {
        let name = try context.parameters.require("name")
        guard let config = try await app.connectors.find(name) else {
            return await notFound(context, "There is no connector named \(name).", back: "/console/connectors")
        }
        var values = FormData("")
        for (key, value) in [
            ("name", config.name), ("type", config.type.rawValue), ("apiURL", config.apiURL), ("accessKeyID", config.accessKeyID),
            ("secretKey", Secret.mask), ("intervalSeconds", String(config.intervalSeconds)), ("computeURL", config.computeURL ?? ""),
            ("includeIncidents", config.includeIncidents ? "true" : ""), ("includeAuditLogs", config.includeAuditLogs ? "true" : ""),
            ("allowActions", config.allowActions ? "true" : ""),
            ("includeAcknowledged", config.includeAcknowledged ? "true" : ""),
            ("lookbackSeconds", String(config.lookbackSeconds)), ("overlapSeconds", String(config.overlapSeconds)),
            ("pageSize", String(config.pageSize)), ("alertPath", config.alertPath), ("timeField", config.timeField.rawValue),
            ("staleAfterPolls", String(config.staleAfterPolls)), ("quietAfterSeconds", String(config.quietAfterSeconds)),
            ("proxy", config.proxy ?? ""), ("caCertificates", config.caCertificates ?? ""), ("proxyUsername", config.proxyUsername ?? ""),
            ("proxyPassword", config.proxyPassword == nil ? "" : Secret.mask),
        ] {
            values = values.setting(key, value)
        }
        values = values.setting("statuses", config.statuses)
        values = values.setting("runtimeAudits", config.runtimeAudits.map(\.rawValue))
        return await connectorForm(context, values: values, existing: name)
    }

    /// A new connector's form values: the defaults every option has, as the CLI's.
    static func connectorDefaults(_ type: String) -> FormData {
        let defaults = ConnectorConfig(name: "", apiURL: "", accessKeyID: "", secretKey: Secret(""))
        var values = FormData("")
        for (key, value) in [
            ("type", type), ("intervalSeconds", String(defaults.intervalSeconds)), ("lookbackSeconds", String(defaults.lookbackSeconds)),
            ("overlapSeconds", String(defaults.overlapSeconds)), ("pageSize", String(defaults.pageSize)), ("alertPath", defaults.alertPath),
            ("timeField", defaults.timeField.rawValue), ("staleAfterPolls", String(defaults.staleAfterPolls)),
            ("quietAfterSeconds", String(defaults.quietAfterSeconds)),
        ] {
            values.set(key, value)
        }
        values.set("statuses", defaults.statuses)
        return values
    }

    /// The connector form of one kind — CSPM (alerts with an access key) or Compute (runtime incidents from a console
    /// path with a user) — with every option the CLI has, the advanced ones folded away; values as given, errors next
    /// to their fields, a test result. The kind of a stored connector is fixed.
    func connectorForm(
        _ context: RelayRequestContext, values: FormData, existing: String? = nil, errors: [String: String] = [:],
        test: ConnectionTestResult? = nil, formError: String? = nil
    ) async -> Response {
        var page = await base(context, section: "Connectors")
        let path = existing.map { "/console/connectors/\(ConsoleFormat.segment($0))" } ?? "/console/connectors"
        let compute = values["type"] == "compute"
        page["heading"] = existing.map { "Connector \($0)" } ?? (compute ? "Add a Compute connector" : "Add a CSPM connector")
        page["lead"] =
            compute
            ? "Collects runtime incidents from a Prisma Cloud Compute console, with a Compute user or an access key."
            : "Collects the tenant's CSPM alerts with an access key; it can collect the tenant's Compute incidents too."
        page["type"] = compute ? "compute" : "cspm"
        page["chooseKind"] = existing == nil
        page["kinds"] = [("cspm", "CSPM alerts"), ("compute", "Compute incidents")].map {
            ["href": "/console/connectors/new?type=\($0.0)", "label": $0.1, "current": (compute ? "compute" : "cspm") == $0.0]
        }
        page["action"] = path
        page["testAction"] = path + "/test"
        page["hosts"] = PrismaAPIHost.documented.map { "https://\($0)" }
        if let formError { page["formError"] = formError }
        if let test {
            page["test"] = [
                "kind": test.success ? "ok" : "bad", "prefix": test.success ? "" : "Connection failed: ",
                "error": ConsoleFormat.present(ConsoleFormat.error(test.message)),
            ]
        }
        var fields: [[String: Any]] = []
        var advanced: [[String: Any]] = []
        func add(_ field: [String: Any], folded: Bool) {
            var field = field
            if let name = field["name"] as? String, let error = errors[name] { field["error"] = error }
            if folded { advanced.append(field) } else { fields.append(field) }
        }
        func input(
            _ name: String, _ label: String, type inputType: String = "text", required: Bool = true, help: String? = nil,
            list: String? = nil, folded: Bool = false
        ) {
            var field: [String: Any] = [
                "name": name, "label": label, "isInput": true, "inputType": inputType, "required": required, "value": values[name] ?? "",
            ]
            if let help { field["help"] = help }
            if let list { field["list"] = list }
            add(field, folded: folded)
        }
        func select(_ name: String, _ label: String, _ options: [(String, String)], help: String) {
            add(
                [
                    "name": name, "label": label, "isSelect": true, "required": true, "help": help,
                    "options": options.map { ["value": $0.0, "label": $0.1, "selected": $0.0 == values[name]] },
                ], folded: true)
        }
        func checkbox(_ name: String, _ label: String, folded: Bool = false) {
            add(["name": name, "label": label, "isCheckbox": true, "checked": values.checked(name)], folded: folded)
        }
        if existing == nil {
            input("name", "Name", help: "How the relay and its events name this tenant, e.g. prod-us")
        }
        if compute {
            input(
                "apiURL", "Path to Console", type: "url",
                help: "Compute > System > Utilities > Path to Console, e.g. https://us-east1.cloud.twistlock.com/us-1-111111111")
            input("accessKeyID", "Username or access key ID", help: "A Compute user with the Auditor role, or a Prisma Cloud access key")
            input(
                "secretKey", "Password or secret key", type: "password",
                help: existing == nil ? nil : "Leave the mask to keep the stored secret.")
        } else {
            input(
                "apiURL", "API URL", type: "url", help: "Your tenant's regional API URL, e.g. https://api2.prismacloud.io",
                list: "prisma-hosts")
            input("accessKeyID", "Access key ID", help: "Settings > Access Control > Access Keys: a key that may read alerts")
            input("secretKey", "Secret key", type: "password", help: existing == nil ? nil : "Leave the mask to keep the stored secret.")
        }
        input("intervalSeconds", "Poll interval (seconds)", type: "number", help: "How often to collect: 10 to 86400")
        checkbox("allowActions", "Let analysts act on its findings in Prisma Cloud (dismiss, snooze, reopen, acknowledge)")
        if compute {
            add(
                [
                    "name": "runtimeAudits", "label": "Audits to collect too", "isChoices": true,
                    "choices": ComputeAuditStream.allCases.map {
                        ["value": $0.rawValue, "label": $0.label, "checked": values.all("runtimeAudits").contains($0.rawValue)]
                    },
                ], folded: false)
            checkbox("includeAcknowledged", "Also collect acknowledged (archived) incidents", folded: true)
        } else {
            checkbox("includeIncidents", "Also collect the tenant's Compute runtime incidents, with the same key")
            checkbox("includeAuditLogs", "Also collect the tenant's audit log (who did what in Prisma Cloud)")
            input(
                "computeURL", "Compute console path (optional)", type: "url", required: false,
                help: "Where to collect Compute incidents; found through the tenant's /meta_info when empty", folded: true)
            add(
                [
                    "name": "statuses", "label": "Alert statuses to collect", "isChoices": true,
                    "choices": (ConnectorConfig.allStatuses + ["all"]).map {
                        ["value": $0, "label": $0, "checked": values.all("statuses").contains($0)]
                    },
                ], folded: true)
        }
        input(
            "lookbackSeconds", "First poll reaches back (seconds)", type: "number",
            help: "How far back the first poll collects: 0 to 7776000 (90 days)", folded: true)
        input(
            "overlapSeconds", "Overlap (seconds)", type: "number",
            help: "Each poll starts this long before the last one ended, so findings indexed late are not missed: 0 to 86400",
            folded: true)
        input("pageSize", "Page size", type: "number", help: "Findings per request: 1 to 10000", folded: true)
        input(
            "staleAfterPolls", "Alert after failed poll intervals", type: "number",
            help: "A health event when no poll has succeeded for this many intervals: 0 (never) to 1000", folded: true)
        input(
            "quietAfterSeconds", "Alert when quiet for (seconds)", type: "number",
            help: "A health event when no new findings arrive for this long: 0 (never) to 2592000", folded: true)
        input(
            "proxy", "Proxy (optional)", required: false,
            help: "http://host:port of a proxy for this tenant alone, or direct; empty: HTTPS_PROXY and NO_PROXY decide", folded: true)
        input("proxyUsername", "Proxy user name (optional)", required: false, help: "When the proxy asks for one", folded: true)
        input(
            "proxyPassword", "Proxy password (optional)", type: "password", required: false,
            help: "Kept sealed like the secret key; leave the mask to keep the stored one", folded: true)
        add(
            [
                "name": "caCertificates", "label": "CA certificates (optional)", "isTextarea": true,
                "value": values["caCertificates"] ?? "",
                "help":
                    "PEM certificates trusted for this tenant besides the system's: a self-hosted console's CA, or a TLS-inspecting proxy's",
            ], folded: true)
        if !compute {
            select(
                "alertPath", "Alert list endpoint", ConnectorConfig.alertPaths.map { ($0, $0) },
                help: "Which of Prisma Cloud's alert list endpoints to read")
            select(
                "timeField", "Window on", [("updated", "last update"), ("opened", "when opened"), ("status_updated", "status change")],
                help: "Which alert time the poll's window filters on")
        }
        page["fields"] = fields
        page["advanced"] = advanced
        page["advancedOpen"] = advanced.contains { $0["error"] != nil }
        return renderer.page("connector-form", page, status: errors.isEmpty && formError == nil ? .ok : .unprocessableContent)
    }

    /// The configuration a form describes, on top of the stored one when editing; the secret shown as the mask stays.
    func connectorConfig(_ form: FormData, existing: String?, session: ConsoleSession?) async throws -> ConnectorConfig {
        let base = try await existing.asyncMap { try await app.connectors.get($0) }
        var secret = form["secretKey"]
        if secret == Secret.mask, let session, let draft = session.draftSecrets[existing ?? "new"] {
            secret = draft
        }
        // The kind of a stored connector never changes.
        let type = base?.type.rawValue ?? (form["type"] == "compute" ? "compute" : "cspm")
        var json: JSONObject = [
            "type": .string(type), "apiURL": .string(form["apiURL"] ?? ""), "accessKeyID": .string(form["accessKeyID"] ?? ""),
        ]
        if base == nil { json["name"] = .string(form["name"] ?? "") }
        // Empty clears them.
        for key in ["proxy", "caCertificates", "proxyUsername", "proxyPassword"] { if let value = form[key] { json[key] = .string(value) } }
        if let secret { json["secretKey"] = .string(secret) }
        json["allowActions"] = .bool(form.checked("allowActions"))
        for key in ["intervalSeconds", "lookbackSeconds", "overlapSeconds", "pageSize", "staleAfterPolls", "quietAfterSeconds"] {
            if let value = form[key] { json[key] = Int64(value).map { .int($0) } ?? .string(value) }
        }
        if type == "compute" {
            json["includeAcknowledged"] = .bool(form.checked("includeAcknowledged"))
            if form["runtimeAudits.shown"] != nil { json["runtimeAudits"] = .array(form.all("runtimeAudits").map(JSONValue.string)) }
        } else {
            json["includeIncidents"] = .bool(form.checked("includeIncidents"))
            json["includeAuditLogs"] = .bool(form.checked("includeAuditLogs"))
            // Unticking every status is an error to show; a form without the choices keeps what is stored.
            if form["statuses.shown"] != nil { json["statuses"] = .array(form.all("statuses").map(JSONValue.string)) }
            for key in ["alertPath", "timeField"] { if let value = form[key] { json[key] = .string(value) } }
        }
        var config = try ConnectorConfig(json: .object(json), base: base)
        // The form always shows this field (CSPM): empty means none.
        if type == "cspm" { config.computeURL = form["computeURL"] }
        return config
    }

    /// Field errors by form field, from the validation's field names.
    static func fieldErrors(_ errors: ConfigErrors) -> [String: String] {
        Dictionary(errors.errors.map { ($0.field, $0.message) }, uniquingKeysWith: { a, _ in a })
    }

    /// What the form shows again: everything typed, the secret as the mask (kept server-side for Save).
    /// A typed proxy password is not shown again either: it is typed again.
    func redisplay(_ form: FormData, _ context: RelayRequestContext, existing: String?) async -> FormData {
        var form = form
        if let typed = form["proxyPassword"], typed != Secret.mask { form = form.setting("proxyPassword", "") }
        guard let secret = form["secretKey"], secret != Secret.mask, let session = context.session else { return form }
        try? await sessions.keepDraftSecret(session.id, form: existing ?? "new", secret)
        return form.setting("secretKey", Secret.mask)
    }

    func testConnector(_ context: RelayRequestContext, existing: String?) async throws -> Response {
        let form = context.form ?? FormData("")
        do {
            let config = try await connectorConfig(form, existing: existing, session: context.session).validated()
            let result = await app.connectors.test(config: config)
            return await connectorForm(
                context, values: await redisplay(form, context, existing: existing), existing: existing, test: result)
        } catch let errors as ConfigErrors {
            return await connectorForm(
                context, values: await redisplay(form, context, existing: existing), existing: existing, errors: Self.fieldErrors(errors))
        }
    }

    func saveConnector(_ context: RelayRequestContext, existing: String?) async throws -> Response {
        let form = context.form ?? FormData("")
        do {
            let config = try await connectorConfig(form, existing: existing, session: context.session)
            let warnings = existing == nil ? try await app.connectors.add(config) : try await app.connectors.update(config)
            if let session = context.session { try await sessions.dropDraftSecret(session.id, form: existing ?? "new") }
            // A warning is one amber line: its sentence, without the detail.
            let note = warnings.map { ErrorSentence.split($0).sentence }.joined(separator: " ")
            return await done(
                context, "/console/connectors", "Connector \(config.name) was saved." + (note.isEmpty ? "" : " Note: " + note),
                kind: note.isEmpty ? "ok" : "warn")
        } catch let errors as ConfigErrors {
            return await connectorForm(
                context, values: await redisplay(form, context, existing: existing), existing: existing, errors: Self.fieldErrors(errors))
        } catch StoreError.connectorExists(let name) {
            return await connectorForm(
                context, values: await redisplay(form, context, existing: existing), existing: existing,
                errors: ["name": "\(name) is taken: names are unique"])
        }
    }

    func pollConnector(_ context: RelayRequestContext) async throws -> Response {
        let name = try context.parameters.require("name")
        let (report, sentence) = try await app.connectors.pollNow(name)
        return await done(context, back(context, name), sentence, ok: report.error == nil)
    }

    func setConnector(_ context: RelayRequestContext, enabled: Bool) async throws -> Response {
        let name = try context.parameters.require("name")
        try await app.connectors.setEnabled(name, enabled)
        return await done(context, back(context, name), "Connector \(name) is \(enabled ? "enabled" : "disabled").")
    }

    /// Where an action returns to: the connector's page when it was sent from there, else the list.
    func back(_ context: RelayRequestContext, _ name: String) -> String {
        context.form?["back"] == "page" ? "/console/connectors/\(ConsoleFormat.segment(name))" : "/console/connectors"
    }
}

extension FormData {
    /// The same form with `name` set to one value.
    func setting(_ name: String, _ value: String) -> FormData {
        var copy = self
        copy.set(name, value)
        return copy
    }

    /// The same form with `name` holding `list`, as repeated fields (checkboxes) post them.
    func setting(_ name: String, _ list: [String]) -> FormData {
        var copy = self
        copy.set(name, list)
        return copy
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let self else { return nil }
        return try await transform(self)
    }
}
