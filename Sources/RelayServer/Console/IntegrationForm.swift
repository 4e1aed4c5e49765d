import Foundation
import RelayModel

/// The integration form, drawn from the same `IntegrationSchema` that validates the API: one field per key with its
/// required mark, default, allowed values and help; secrets as password fields holding the mask, never the value.
/// Config keys are posted as `cfg.<key>`. Pure.
enum IntegrationForm {
    /// The form fields for `schema`, showing `shown` (a stored config, masked) or what was typed.
    static func fields(_ schema: IntegrationSchema, shown: JSONObject, typed: FormData?, errors: [String: String]) -> [[String: Any]] {
        schema.fields.map { field in
            let name = "cfg.\(field.key)"
            var out: [String: Any] = ["name": name, "label": field.key, "help": field.help, "required": field.required]
            if let error = errors[field.key] { out["error"] = error }
            let stored = shown[field.key] ?? field.defaultValue
            switch field.kind {
            case .bool:
                out["isCheckbox"] = true
                out["label"] = "\(field.key) — \(field.help)"
                out["help"] = nil
                out["checked"] = typed.map { $0.checked(name) } ?? (stored?.boolValue ?? false)
            case .interval(let allowed):
                out["isSelect"] = true
                let current = typed?[name] ?? stored.map(text) ?? ""
                out["options"] = allowed.map { ["value": String($0), "label": "\($0) minutes", "selected": String($0) == current] }
            case .count(let range):
                out["isInput"] = true
                out["inputType"] = "number"
                out["value"] = typed?[name] ?? stored.map(text) ?? ""
                out["placeholder"] = "\(range.lowerBound)–\(range.upperBound)"
            case .headers, .tables, .customPayloads, .array:
                out["isTextarea"] = true
                out["value"] = typed?.values[name]?.first ?? stored.map { $0.prettyJSONString() } ?? ""
            case .string:
                out["isInput"] = true
                out["inputType"] = field.secret ? "password" : "text"
                // A typed secret is never sent back: what was stored shows as the mask, a new one must be typed again.
                out["value"] = field.secret ? (shown[field.key]?.stringValue ?? "") : (typed?[name] ?? stored.map(text) ?? "")
                if field.secret, typed?[name] != nil, shown[field.key] == nil {
                    out["help"] = "\(field.help). Type it again: secrets are never sent back to the browser."
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
            case .headers, .tables, .customPayloads, .array:
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
