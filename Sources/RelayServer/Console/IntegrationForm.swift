import Foundation
import RelayModel

/// The integration form, drawn from the same `IntegrationSchema` that validates the API: one field per key with its
/// required mark, default, allowed values and help; secrets as password fields holding the mask, never the value.
/// Config keys are posted as `cfg.<key>`. Pure.
enum IntegrationForm {
    /// The form fields for `schema`, showing `shown` (a stored config, masked) or what was typed.
    static func fields(
        _ schema: IntegrationSchema, shown: JSONObject, typed: FormData?, errors: [String: String], drafted: Set<String> = []
    ) -> [[String: Any]] {
        schema.fields.map { field in
            let name = "cfg.\(field.key)"
            var out: [String: Any] = [
                "name": name, "label": field.label, "key": field.key, "help": field.help, "required": field.required,
            ]
            // The message names the field, so it reads alone too ("URL must be an http(s) URL…").
            if let error = errors[field.key] { out["error"] = sentence(field.label, error) }
            let stored = shown[field.key] ?? field.defaultValue
            switch field.kind {
            case .bool:
                out["isCheckbox"] = true
                out["checked"] = typed.map { $0.checked(name) } ?? (stored?.boolValue ?? false)
            case .headers:
                out["isHeaders"] = true
                out["rows"] = headerRows(name, stored: stored?.arrayValue ?? [], typed: typed)
            case .interval(let allowed):
                out["isSelect"] = true
                let current = typed?[name] ?? stored.map(text) ?? ""
                out["options"] = allowed.map { ["value": String($0), "label": "\($0) minutes", "selected": String($0) == current] }
            case .count(let range):
                out["isInput"] = true
                out["inputType"] = "number"
                out["value"] = typed?[name] ?? stored.map(text) ?? ""
                out["placeholder"] = "\(range.lowerBound)–\(range.upperBound)"
            case .tables, .customPayloads, .array:
                out["isTextarea"] = true
                out["value"] = typed?.values[name]?.first ?? stored.map { $0.prettyJSONString() } ?? ""
            case .string:
                // PEM text keeps its lines in a text area; a secret one shows the mask, as a password field does.
                out[field.multiline ? "isTextarea" : "isInput"] = true
                out["inputType"] = field.secret ? "password" : "text"
                // A typed secret is never sent back: what was stored shows as the mask, a new one must be typed again.
                if field.secret, drafted.contains(field.key), typed?[name] == Secret.mask {
                    // Typed before a Test and kept in the session: Save uses it.
                    out["value"] = Secret.mask
                    out["help"] = "\(field.help). The value you typed is kept for Save; type another to replace it."
                } else {
                    out["value"] = field.secret ? (shown[field.key]?.stringValue ?? "") : (typed?[name] ?? stored.map(text) ?? "")
                    if field.secret, typed?[name] != nil, shown[field.key] == nil {
                        out["help"] = "\(field.help). Type it again: secrets are never sent back to the browser."
                    }
                }
            }
            if let value = field.defaultValue, field.kind != .bool {
                out["help"] = "\(out["help"] as? String ?? "") (default \(text(value)))"
            }
            return out
        }
    }

    /// The `integrationConfig` a submitted form describes, and the fields whose text could not be read.
    static func config(_ schema: IntegrationSchema, form: FormData) -> (JSONValue, [String: String]) {
        var config: JSONObject = [:]
        var errors: [String: String] = [:]
        for field in schema.fields {
            let name = "cfg.\(field.key)"
            switch field.kind {
            case .bool:
                config[field.key] = .bool(form.checked(name))
            case .interval, .count:
                if let value = form[name] { config[field.key] = Int64(value).map { .int($0) } ?? .string(value) }
            case .headers:
                switch headers(name, form: form) {
                case .success(let items): if !items.isEmpty { config[field.key] = .array(items) }
                case .failure(let error): errors[field.key] = error.message
                }
            case .tables, .customPayloads, .array:
                guard let value = form[name] else { continue }
                do {
                    config[field.key] = try JSONValue.parse(Array(value.utf8))
                } catch {
                    errors[field.key] = "must be JSON: \(error)"
                }
            case .string:
                if let value = form[name] { config[field.key] = .string(value) }
            }
        }
        return (.object(config), errors)
    }

    /// Header rows the form shows: the stored or typed ones (a secure value as the mask), then empty rows to add more.
    static func headerRows(_ name: String, stored: [JSONValue], typed: FormData?) -> [[String: Any]] {
        var rows: [[String: Any]] = []
        if let typed {
            for index in 0..<headerRowLimit {
                let key = typed["\(name).\(index).key"] ?? ""
                let value = typed["\(name).\(index).value"] ?? ""
                guard !key.isEmpty || !value.isEmpty else { continue }
                let secure = typed.checked("\(name).\(index).secure")
                // A typed secure value is never sent back (the stored one shows as the mask): it is typed again.
                rows.append(["key": key, "value": secure && value != Secret.mask ? "" : value, "secure": secure])
            }
        } else {
            rows = stored.map { item in
                [
                    "key": item["key"]?.stringValue ?? "", "value": item["value"]?.stringValue ?? "",
                    "secure": item["secure"]?.boolValue ?? false,
                ]
            }
        }
        rows += Array(repeating: ["key": "", "value": "", "secure": false], count: max(1, 3 - rows.count))
        return rows.enumerated().map { index, row in
            var row = row
            row["prefix"] = "\(name).\(index)"
            row["number"] = index + 1
            return row
        }
    }

    static let headerRowLimit = 20

    /// The headers a form's rows describe (empty rows left out), or what is wrong with a row.
    static func headers(_ name: String, form: FormData) -> Result<[JSONValue], ConfigError> {
        var items: [JSONValue] = []
        for index in 0..<headerRowLimit {
            let key = (form["\(name).\(index).key"] ?? "").trimmingCharacters(in: .whitespaces)
            let value = form["\(name).\(index).value"] ?? ""
            if key.isEmpty && value.isEmpty { continue }
            guard !key.isEmpty else {
                return .failure(
                    ConfigError(field: "headers", "row \(index + 1) has a value but no header name: give its name, or clear the row"))
            }
            var item: JSONObject = ["key": .string(key), "value": .string(value)]
            if form.checked("\(name).\(index).secure") { item["secure"] = .bool(true) }
            items.append(.object(item))
        }
        return .success(items)
    }

    /// A validation message that names its field: "is required" under "Auth token" reads "Auth token is required".
    static func sentence(_ label: String, _ message: String) -> String {
        for start in ["is ", "must ", "cannot ", "give ", "has "] where message.hasPrefix(start) {
            return label + " " + message
        }
        return message
    }

    /// A value as a form shows it.
    static func text(_ value: JSONValue) -> String {
        value.stringValue ?? value.int64Value.map(String.init) ?? value.jsonString()
    }

    /// Validation errors by config key (`integrationConfig.url` → `url`).
    static func errors(_ errors: ConfigErrors) -> [String: String] {
        Dictionary(
            errors.errors.map { (String($0.field.split(separator: ".").last ?? Substring($0.field)), $0.message) },
            uniquingKeysWith: { a, _ in a })
    }
}
