import Foundation

extension IntegrationSchema {
    /// The config as responses show it: secret keys, the token part of Slack webhook URLs, credentials and query
    /// values in other URLs, and secure header values, all replaced by the mask.
    public func masked(_ config: JSONObject) -> JSONObject {
        var out = config
        for member in config {
            guard let field = field(member.key), let text = member.value.stringValue, !text.isEmpty else {
                if member.key == "headers", let items = member.value.arrayValue {
                    out[member.key] = .array(items.map(Self.maskHeader))
                }
                continue
            }
            if field.key == "webhookUrl", type == .slack {
                out[member.key] = .string(Self.maskSlackURL(text))
            } else if field.secret {
                out[member.key] = .string(Secret.mask)
            } else if FieldRule.httpURL(text) == nil {
                out[member.key] = .string(Self.maskURLCredentials(text))
            }
        }
        return out
    }

    /// Applies an update: values sent back masked keep what is stored, immutable keys refuse to change, and the
    /// result is validated like a new config.
    public func merge(update: JSONValue?, into stored: JSONObject) throws(ConfigErrors) -> JSONObject {
        guard var incoming = update?.objectValue else {
            throw ConfigErrors([ConfigError(field: "integrationConfig", "is required: an object with the \(type.rawValue) keys")])
        }
        let shown = masked(stored)
        for member in incoming {
            // A value equal to what responses show is the client echoing the mask: keep the real one.
            if member.key == "headers", let items = member.value.arrayValue, let storedItems = stored["headers"]?.arrayValue {
                incoming["headers"] = .array(items.map { item in
                    guard item["value"]?.stringValue == Secret.mask,
                        let original = storedItems.first(where: { $0["key"] == item["key"] }) else { return item }
                    var object = item.objectValue ?? [:]
                    object["value"] = original["value"]
                    return .object(object)
                })
            } else if member.value == shown[member.key], shown[member.key] != stored[member.key] {
                incoming[member.key] = stored[member.key]
            }
        }
        var errors: [ConfigError] = []
        for key in immutableKeys.sorted() where present(incoming, key) || present(stored, key) {
            if incoming[key] != stored[key] {
                errors.append(ConfigError(field: configPath(key), "cannot change once the integration exists; create a new integration instead"))
            }
        }
        guard errors.isEmpty else { throw ConfigErrors(errors) }
        return try validate(.object(incoming))
    }

    static func maskHeader(_ item: JSONValue) -> JSONValue {
        guard item["secure"]?.boolValue == true, var object = item.objectValue else { return item }
        object["value"] = .string(Secret.mask)
        return .object(object)
    }

    /// `https://hooks.slack.com/services/T000/B000/XXXX` → `https://hooks.slack.com/services/T000/B000/********`.
    static func maskSlackURL(_ text: String) -> String {
        guard let slash = text.lastIndex(of: "/"), text.index(after: slash) < text.endIndex else { return Secret.mask }
        return String(text[...slash]) + Secret.mask
    }

    /// A URL with any user password and every query value masked; the rest stays readable.
    static func maskURLCredentials(_ text: String) -> String {
        guard var components = URLComponents(string: text) else { return text }
        if components.password != nil { components.password = Secret.mask }
        if let items = components.queryItems, !items.isEmpty {
            components.percentEncodedQuery = items.map { "\($0.name)=\(Secret.mask)" }.joined(separator: "&")
        }
        return components.string ?? text
    }
}
