import Foundation
import RelayModel

extension ConnectorConfig {
    /// A connector and its status as the API and `connector list --json` show it, the secret masked.
    public func publicJSON(state: ConnectorState) -> JSONValue {
        var object: JSONObject = [
            "name": .string(name), "type": .string(type.rawValue), "apiURL": .string(apiURL),
            "accessKeyID": .string(accessKeyID), "secretKey": .string(Secret.mask), "intervalSeconds": .int(intervalSeconds),
            "statuses": .array(statuses.map(JSONValue.string)), "lookbackSeconds": .int(lookbackSeconds),
            "overlapSeconds": .int(overlapSeconds), "pageSize": .int(pageSize), "alertPath": .string(alertPath),
            "timeField": .string(timeField.rawValue), "includeAcknowledged": .bool(includeAcknowledged),
            "includeIncidents": .bool(includeIncidents), "includeAuditLogs": .bool(includeAuditLogs),
            "runtimeAudits": .array(runtimeAudits.map { .string($0.rawValue) }), "computeURL": .optional(computeURL),
            "enabled": .bool(enabled), "allowActions": .bool(allowActions),
            "staleAfterPolls": .int(staleAfterPolls), "quietAfterSeconds": .int(quietAfterSeconds), "proxy": .optional(proxy),
            "caCertificates": .optional(caCertificates), "proxyUsername": .optional(proxyUsername),
            "proxyPassword": proxyPassword == nil ? .null : .string(Secret.mask),
        ]
        object["status"] = .string(state.status.rawValue)
        object["lastPollAt"] = .optional(state.lastPollAt.map(Timestamp.rfc3339(epochMilliseconds:)))
        object["lastSuccessAt"] = .optional(state.lastSuccessAt.map(Timestamp.rfc3339(epochMilliseconds:)))
        object["lastEventsAdded"] = .int(state.lastEventsAdded)
        object["totalEvents"] = .int(state.totalEvents)
        object["collectedUpTo"] = .optional(state.cursor.map(Timestamp.rfc3339(epochMilliseconds:)))
        object["lastError"] = .optional(state.lastError)
        object["rejectedFindings"] = .int(Int64(state.rejectedFindings))
        object["waiting"] = .optional(state.waiting)
        return .object(object)
    }

    /// A configuration from an API body, on top of `base` (an existing connector, for updates). A secret sent as
    /// the mask, or not sent, keeps the base's. Type errors name the field; `validated()` checks the rest.
    public init(json: JSONValue, base: ConnectorConfig? = nil) throws(ConfigErrors) {
        guard json.objectValue != nil else { throw ConfigErrors([ConfigError(field: "body", "must be a JSON object")]) }
        var errors: [ConfigError] = []
        func text(_ key: String) -> String? {
            guard let value = json[key], value != .null else { return nil }
            guard let string = value.stringValue else {
                errors.append(ConfigError(field: key, "must be a string"))
                return nil
            }
            return string
        }
        /// A text that may be cleared: "" when sent as null or empty, nil when not sent.
        func optionalText(_ key: String) -> String? {
            guard let value = json[key] else { return nil }
            if value == .null { return "" }
            guard let string = value.stringValue else {
                errors.append(ConfigError(field: key, "must be a string (empty or null to clear it)"))
                return nil
            }
            return string.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        func number(_ key: String) -> Int? {
            guard let value = json[key], value != .null else { return nil }
            guard let int = value.int64Value else {
                errors.append(ConfigError(field: key, "must be a whole number"))
                return nil
            }
            return Int(int)
        }
        func flag(_ key: String) -> Bool? {
            guard let value = json[key], value != .null else { return nil }
            guard let bool = value.boolValue else {
                errors.append(ConfigError(field: key, "must be true or false"))
                return nil
            }
            return bool
        }
        var type = base?.type ?? .cspm
        if let name = text("type") {
            if let parsed = ConnectorType(rawValue: name.lowercased()) {
                type = parsed
            } else {
                errors.append(ConfigError(field: "type", "unknown type \"\(name)\": use cspm or compute"))
            }
        }
        var timeField = base?.timeField ?? .updated
        if let name = text("timeField") {
            if let parsed = AlertTimeField(rawValue: name) {
                timeField = parsed
            } else {
                errors.append(ConfigError(field: "timeField", "use updated, opened or status_updated"))
            }
        }
        var statuses = base?.statuses ?? ["open"]
        if let value = json["statuses"], value != .null {
            if let list = value.arrayValue?.compactMap(\.stringValue), list.count == value.arrayValue?.count {
                statuses = list
            } else {
                errors.append(ConfigError(field: "statuses", "must be a list of statuses"))
            }
        }
        let sentSecret = text("secretKey")
        let secret = sentSecret == nil || sentSecret == Secret.mask ? (base?.secretKey ?? Secret("")) : Secret(sentSecret!)
        let config = ConnectorConfig(
            name: text("name") ?? base?.name ?? "", type: type, apiURL: text("apiURL") ?? base?.apiURL ?? "",
            accessKeyID: text("accessKeyID") ?? base?.accessKeyID ?? "", secretKey: secret,
            intervalSeconds: number("intervalSeconds") ?? base?.intervalSeconds ?? 300, statuses: statuses,
            lookbackSeconds: number("lookbackSeconds") ?? base?.lookbackSeconds ?? 86_400,
            overlapSeconds: number("overlapSeconds") ?? base?.overlapSeconds ?? 120,
            pageSize: number("pageSize") ?? base?.pageSize ?? 200, alertPath: text("alertPath") ?? base?.alertPath ?? "/v2/alert",
            timeField: timeField, includeAcknowledged: flag("includeAcknowledged") ?? base?.includeAcknowledged ?? false,
            includeIncidents: flag("includeIncidents") ?? base?.includeIncidents ?? false,
            computeURL: text("computeURL") ?? base?.computeURL, enabled: flag("enabled") ?? base?.enabled ?? true)
        var settled = config
        settled.staleAfterPolls = number("staleAfterPolls") ?? base?.staleAfterPolls ?? 3
        settled.quietAfterSeconds = number("quietAfterSeconds") ?? base?.quietAfterSeconds ?? 0
        // An empty text clears it.
        settled.proxy = optionalText("proxy").map { $0.isEmpty ? nil : $0 } ?? base?.proxy
        settled.caCertificates = optionalText("caCertificates").map { $0.isEmpty ? nil : $0 } ?? base?.caCertificates
        settled.proxyUsername = optionalText("proxyUsername").map { $0.isEmpty ? nil : $0 } ?? base?.proxyUsername
        settled.includeAuditLogs = flag("includeAuditLogs") ?? base?.includeAuditLogs ?? false
        settled.allowActions = flag("allowActions") ?? base?.allowActions ?? false
        settled.runtimeAudits = base?.runtimeAudits ?? []
        if let value = json["runtimeAudits"], value != .null {
            let names = value.arrayValue?.compactMap(\.stringValue) ?? []
            let streams = names.compactMap { ComputeAuditStream(rawValue: $0.lowercased()) }
            if value.arrayValue == nil || streams.count != names.count || names.count != value.arrayValue?.count {
                errors.append(
                    ConfigError(
                        field: "runtimeAudits",
                        "must be a list of \(ComputeAuditStream.allCases.map(\.rawValue).joined(separator: ", ")) (got \(value.jsonString()))"
                    ))
            } else {
                settled.runtimeAudits = streams
            }
        }
        // The proxy's password as the secret key: the mask, or nothing, keeps the stored one; empty or null clears it.
        let keepsPassword: Bool
        switch json["proxyPassword"] {
        case nil, .string(Secret.mask)?: (settled.proxyPassword, keepsPassword) = (base?.proxyPassword, true)
        case .null?, .string("")?: (settled.proxyPassword, keepsPassword) = (nil, false)
        case .string(let password)?: (settled.proxyPassword, keepsPassword) = (Secret(password), false)
        default:
            errors.append(ConfigError(field: "proxyPassword", "must be a string"))
            keepsPassword = false
        }
        // A stored secret is only ever sent where it was given: moving the connector needs it again. So does changing
        // who could read it on the way: the proxy, or the CAs trusted to vouch for the tenant.
        if let base {
            let moved = [
                ("apiURL", settled.apiURL != base.apiURL), ("computeURL", (settled.computeURL ?? "") != (base.computeURL ?? "")),
                ("proxy", settled.proxy != base.proxy), ("caCertificates", settled.caCertificates != base.caCertificates),
            ]
            .filter(\.1).map(\.0)
            if !moved.isEmpty, sentSecret == nil || sentSecret == Secret.mask {
                errors.append(
                    ConfigError(
                        field: "secretKey",
                        "give the secret key again: \(moved.joined(separator: " and ")) changed, and a stored secret is only ever sent where it was first given"
                    ))
            }
            if keepsPassword, base.proxyPassword != nil, settled.proxy != base.proxy {
                errors.append(
                    ConfigError(
                        field: "proxyPassword",
                        "give the proxy's password again: the proxy changed, and a stored password is only ever sent to the proxy it was given for"
                    ))
            }
        }
        guard errors.isEmpty else { throw ConfigErrors(errors) }
        self = settled
    }
}
