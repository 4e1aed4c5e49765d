import Foundation
import RelayModel

extension ConfigurationService {
    /// Reads a document's connectors, integrations and rules into the relay's types, collecting every problem with its
    /// line and field rather than stopping at the first: unknown keys, bad values (with the same checks as the API),
    /// names given twice, secrets written out instead of referenced, references that cannot be resolved.
    struct Reader {
        let document: ConfigurationDocument
        let references: References
        /// When the file is read: what an integration it adds or changes is stamped with.
        let now: Int64
        var problems: [ConfigurationFileError.Problem] = []

        init(document: ConfigurationDocument, references: References, now: Int64) {
            self.document = document
            self.references = references
            self.now = now
        }

        mutating func problem(_ path: String, _ message: String) {
            problems.append(document.problem(path, message))
        }

        mutating func refuseUnknown(_ value: JSONValue, path: String, allowed: [String]) {
            for member in value.objectValue ?? [:] where !allowed.contains(member.key) {
                let at = path.isEmpty ? member.key : "\(path).\(member.key)"
                problem(at, "is not a key here: use \(allowed.joined(separator: ", "))")
            }
        }

        /// The items of a top-level list, each an object, with their paths; a repeated name is refused.
        mutating func items(_ value: JSONValue?, _ key: String, allowed: [String]) -> [(path: String, object: JSONValue)] {
            guard let value, value != .null else { return [] }
            guard let list = value.arrayValue else {
                problem(key, "must be a list, each item starting with `- name: …`")
                return []
            }
            var names = Set<String>()
            var items: [(String, JSONValue)] = []
            for (index, item) in list.enumerated() {
                let path = "\(key)[\(index)]"
                guard item.objectValue != nil else {
                    problem(path, "must be a mapping of keys (\(allowed.joined(separator: ", ")))")
                    continue
                }
                refuseUnknown(item, path: path, allowed: allowed)
                if let name = item["name"]?.stringValue, !names.insert(name).inserted {
                    problem("\(path).name", "\(name) is named twice in \(key): names are unique")
                }
                items.append((path, item))
            }
            return items
        }

        /// A string with its `${env:NAME}` or `${file:/path}` reference resolved; a secret must be one.
        mutating func resolve(_ value: JSONValue, path: String, secret: Bool) -> JSONValue {
            guard let text = value.stringValue else { return value }
            guard let match = text.wholeMatch(of: /\$\{(env|file):([^}]+)\}/) else {
                if text.contains("${") {
                    problem(path, "has a reference that is not ${env:NAME} or ${file:/path}")
                } else if secret, !text.isEmpty {
                    problem(
                        path,
                        "is a secret written in the file: put it in an environment variable or a file and write ${env:NAME} or ${file:/path} here"
                    )
                }
                return value
            }
            let name = String(match.2)
            if match.1 == "env" {
                guard let found = references.environment[name], !found.isEmpty else {
                    problem(path, "refers to the environment variable \(name), which is not set")
                    return .string("")
                }
                return .string(found)
            }
            guard let found = references.readFile(name) else {
                problem(path, "refers to the file \(name), which cannot be read")
                return .string("")
            }
            return .string(found)
        }

        /// Every string in `value` with its reference resolved (none of them secret).
        mutating func resolveAll(_ value: JSONValue, path: String) -> JSONValue {
            switch value {
            case .string: return resolve(value, path: path, secret: false)
            case .array(let items):
                return .array(items.enumerated().map { index, item in resolveAll(item, path: "\(path)[\(index)]") })
            case .object(let object):
                var out = JSONObject()
                for member in object { out[member.key] = resolveAll(member.value, path: "\(path).\(member.key)") }
                return .object(out)
            default: return value
            }
        }

        mutating func configErrors(_ errors: ConfigErrors, at path: String) {
            for error in errors.errors { problem("\(path).\(error.field)", error.message) }
        }

        // MARK: Connectors

        mutating func connectors(_ value: JSONValue?) -> [ConnectorConfig] {
            items(value, "connectors", allowed: ConfigurationService.connectorKeys).compactMap { path, item -> ConnectorConfig? in
                var object = resolveAll(item, path: path).objectValue ?? [:]
                guard item["secretKey"] != nil else {
                    problem("\(path).secretKey", "is required: write ${env:NAME} or ${file:/path} for the connector's secret key")
                    return nil
                }
                object["secretKey"] = resolve(item["secretKey"] ?? .null, path: "\(path).secretKey", secret: true)
                if let password = item["proxyPassword"] {
                    object["proxyPassword"] = resolve(password, path: "\(path).proxyPassword", secret: true)
                }
                switch Result(catching: { () throws(ConfigErrors) in try ConnectorConfig(json: .object(object)).validated() }) {
                case .success(let config): return config
                case .failure(let errors):
                    configErrors(errors, at: path)
                    return nil
                }
            }
        }

        // MARK: Integrations

        mutating func integrations(_ value: JSONValue?, stored: [Integration], schemas: IntegrationService) -> [Integration] {
            items(value, "integrations", allowed: ConfigurationService.integrationKeys).compactMap { path, item -> Integration? in
                guard let name = item["name"]?.stringValue?.trimmingCharacters(in: .whitespaces), !name.isEmpty, name.count <= 100 else {
                    problem("\(path).name", "is required (at most 100 characters)")
                    return nil
                }
                guard let typeName = item["integrationType"]?.stringValue,
                    let type = try? schemas.type(named: typeName), let schema = try? schemas.schema(of: type)
                else {
                    problem(
                        "\(path).integrationType",
                        "must be one of \(schemas.schemas.map(\.type.rawValue).sorted().joined(separator: ", "))")
                    return nil
                }
                let existing = stored.first { $0.name == name }
                if let existing, existing.type != type {
                    problem(
                        "\(path).integrationType",
                        "cannot change (\(name) is a \(existing.type.rawValue) integration): give the new one another name, and remove the old one with --prune"
                    )
                    return nil
                }
                guard let given = item["integrationConfig"]?.objectValue else {
                    problem("\(path).integrationConfig", "is required: a mapping of the \(type.rawValue) keys")
                    return nil
                }
                let configPath = "\(path).integrationConfig"
                var config = JSONObject()
                for member in given {
                    let at = "\(configPath).\(member.key)"
                    let field = schema.field(member.key)
                    if member.key == "headers", let headers = member.value.arrayValue {
                        config["headers"] = .array(
                            headers.enumerated().map { index, header in
                                var object = resolveAll(header, path: "\(at)[\(index)]").objectValue ?? [:]
                                if header["secure"]?.boolValue == true, let secret = header["value"] {
                                    object["value"] = resolve(secret, path: "\(at)[\(index)].value", secret: true)
                                }
                                return .object(object)
                            })
                    } else if field?.holdsSecret == true {
                        config[member.key] = resolve(member.value, path: at, secret: true)
                    } else {
                        config[member.key] = resolveAll(member.value, path: at)
                    }
                }
                let validated: JSONObject
                switch Result(catching: { () throws(ConfigErrors) in try schema.validate(.object(config)) }) {
                case .success(let object): validated = object
                case .failure(let errors):
                    // The schema names `integrationConfig.<key>`.
                    configErrors(errors, at: path)
                    return nil
                }
                return Integration(
                    id: existing?.id ?? UUID().uuidString.lowercased(), name: name, description: item["description"]?.stringValue ?? "",
                    type: type, config: validated, enabled: item["enabled"]?.boolValue ?? true, createdBy: existing?.createdBy ?? "apply",
                    createdTs: existing?.createdTs ?? now, lastModifiedBy: "apply", lastModifiedTs: now)
            }
        }

        // MARK: Rules

        mutating func rules(_ value: JSONValue?, stored: [AlertRule], integrations: [String: (id: String, isSource: Bool)]) -> [AlertRule] {
            items(value, "rules", allowed: ConfigurationService.ruleKeys).compactMap { path, item -> AlertRule? in
                let item = resolveAll(item, path: path)
                var body: JSONObject = [:]
                for key in ["name", "description", "enabled", "filters", "raiseSeverityTo"] { body[key] = item[key] }
                let notifyOn = item["notifyOn"]?.arrayValue?.compactMap(\.stringValue) ?? ["open"]
                for transition in RuleService.transitions {
                    body["notifyOn" + transition.prefix(1).uppercased() + transition.dropFirst()] = .bool(notifyOn.contains(transition))
                }
                var ids: [JSONValue] = []
                for (index, name) in (item["integrations"]?.arrayValue ?? []).enumerated() {
                    let at = "\(path).integrations[\(index)]"
                    guard let name = name.stringValue, let found = integrations[name] else {
                        problem(at, "\(name.stringValue ?? name.jsonString()) is not an integration of this file or of the relay")
                        continue
                    }
                    if found.isSource {
                        problem(at, "\(name) is an enrichment source: it adds what it knows to events sent elsewhere and receives none")
                        continue
                    }
                    ids.append(.string(found.id))
                }
                body["integrationIDs"] = .array(ids)
                do {
                    let draft = try RuleService.Draft(json: .object(body))
                    let id =
                        stored.first { $0.name == draft.name.trimmingCharacters(in: .whitespaces) }?.id ?? UUID().uuidString.lowercased()
                    var rule = try RuleService.rule(from: draft, id: id)
                    for transition in notifyOn where !RuleService.transitions.contains(transition) {
                        problem("\(path).notifyOn", "\(transition) is not open, resolved, dismissed or snoozed")
                    }
                    rule.integrationIDs = ids.compactMap(\.stringValue)
                    return rule
                } catch let errors as ConfigErrors {
                    for error in errors.errors {
                        let field = error.field == "integrationIDs" ? "integrations" : error.field
                        let message = error.field == "integrationIDs" ? "name at least one integration, by its name" : error.message
                        problem("\(path).\(field)", message)
                    }
                    return nil
                } catch {
                    problem(path, "\(error)")
                    return nil
                }
            }
        }
    }
}
