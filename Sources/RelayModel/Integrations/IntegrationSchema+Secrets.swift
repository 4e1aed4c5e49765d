import Foundation

extension IntegrationSchema {
    /// The config as responses show it: secret keys, the token part of URLs that are credentials, credentials and query
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
            if field.urlIsSecret {
                // The URL is the credential: its token part is masked, or all of it when no token part is seen.
                let redacted = URLRedaction.redact(text)
                out[member.key] = .string(redacted == text ? Secret.mask : redacted)
            } else if field.secret {
                out[member.key] = .string(Secret.mask)
            } else if FieldRule.httpURL(text) == nil {
                out[member.key] = .string(URLRedaction.redact(text))
            }
        }
        return out
    }

    /// Applies an update: values sent back masked keep what is stored — unless a key that says where secrets go
    /// changed, which needs every secret given again —, immutable keys refuse to change, and the result is validated
    /// like a new config.
    public func merge(update: JSONValue?, into stored: JSONObject) throws(ConfigErrors) -> JSONObject {
        guard var incoming = update?.objectValue else {
            throw ConfigErrors([ConfigError(field: "integrationConfig", "is required: an object with the \(type.rawValue) keys")])
        }
        let shown = masked(stored)
        // Secrets taken from the stored config because the client echoed the mask, by the field that names them.
        var kept: [String] = []
        for member in incoming {
            // A value equal to what responses show is the client echoing the mask: keep the real one.
            if member.key == "headers", let items = member.value.arrayValue, let storedItems = stored["headers"]?.arrayValue {
                incoming["headers"] = .array(
                    items.map { item in
                        guard item["value"]?.stringValue == Secret.mask,
                            let original = storedItems.first(where: { $0["key"] == item["key"] })
                        else { return item }
                        kept.append("headers (\(item["key"]?.stringValue ?? ""))")
                        var object = item.objectValue ?? [:]
                        object["value"] = original["value"]
                        return .object(object)
                    })
            } else if member.value == shown[member.key], shown[member.key] != stored[member.key] {
                incoming[member.key] = stored[member.key]
                if field(member.key)?.secret == true { kept.append(member.key) }
            }
        }
        var errors: [ConfigError] = []
        // (A key that may not change at all gets that error instead.)
        let moved = destinationKeys.filter {
            !immutableKeys.contains($0) && (incoming[$0] ?? .null) != (stored[$0] ?? .null)
                && (Self.present(incoming, $0) || Self.present(stored, $0))
        }
        if !moved.isEmpty {
            let what = moved.joined(separator: " and ")
            for key in kept {
                errors.append(
                    ConfigError(
                        field: Self.path(key),
                        "give this secret again: \(what) changed, and a stored secret is only ever sent where it was first given"))
            }
        }
        for key in immutableKeys.sorted() where Self.present(incoming, key) || Self.present(stored, key) {
            if incoming[key] != stored[key] {
                errors.append(
                    ConfigError(field: Self.path(key), "cannot change once the integration exists: create a new integration instead"))
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
}
