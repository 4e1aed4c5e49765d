import Foundation
import RelayModel
import RelayStore
import Yams

extension ConfigurationService {
    /// What is stored, as a file `apply` reads back to no changes once its references are filled in: every secret as a
    /// `${env:…}` reference named after what it belongs to (the references it needs are listed at the top).
    public func export() async throws -> String {
        var needed: [String] = []
        func reference(_ owner: String, _ key: String) -> JSONValue {
            let name = "PRISMA_RELAY_" + Self.variableName("\(owner)_\(key)")
            needed.append(name)
            return .string("${env:\(name)}")
        }
        var connectors: [JSONValue] = []
        for config in try await app.store.connectors() {
            var object = Self.json(config)
            object["secretKey"] = reference(config.name, "secret_key")
            if config.proxyPassword != nil { object["proxyPassword"] = reference(config.name, "proxy_password") }
            // In the order people write them, not the sorted one.
            var ordered = JSONObject()
            for key in Self.connectorKeys { if let value = object[key], value != .null { ordered[key] = value } }
            connectors.append(.object(ordered))
        }
        let stored = try await app.store.integrations()
        var integrations: [JSONValue] = []
        for integration in stored {
            let schema = try app.integrations.schema(of: integration.type)
            var config = JSONObject()
            for member in integration.config {
                let field = schema.field(member.key)
                if member.key == "headers", let headers = member.value.arrayValue {
                    config["headers"] = .array(
                        headers.map { header in
                            guard header["secure"]?.boolValue == true, var object = header.objectValue else { return header }
                            object["value"] = reference(integration.name, "header_" + (header["key"]?.stringValue ?? ""))
                            return .object(object)
                        })
                } else if field?.holdsSecret == true, member.value.stringValue?.isEmpty == false {
                    config[member.key] = reference(integration.name, member.key)
                } else {
                    config[member.key] = member.value
                }
            }
            var object: JSONObject = ["name": .string(integration.name), "integrationType": .string(integration.type.rawValue)]
            if !integration.description.isEmpty { object["description"] = .string(integration.description) }
            object["enabled"] = .bool(integration.enabled)
            object["integrationConfig"] = .object(config)
            integrations.append(.object(object))
        }
        let names = Dictionary(stored.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        var rules: [JSONValue] = []
        for rule in try await app.store.rules() {
            var object: JSONObject = ["name": .string(rule.name)]
            if let description = rule.description, !description.isEmpty { object["description"] = .string(description) }
            object["enabled"] = .bool(rule.enabled)
            var filters = JSONObject()
            for member in Self.json(rule.filters) { filters[member.key] = member.value }
            if !filters.members.isEmpty { object["filters"] = .object(filters) }
            let notify = [
                (rule.notifyOnOpen, "open"), (rule.notifyOnResolved, "resolved"), (rule.notifyOnDismissed, "dismissed"),
                (rule.notifyOnSnoozed, "snoozed"),
            ]
            object["notifyOn"] = .array(notify.filter(\.0).map { .string($0.1) })
            object["integrations"] = .array(rule.integrationIDs.map { .string(names[$0] ?? $0) })
            if let raise = rule.raiseSeverityTo { object["raiseSeverityTo"] = .string(raise.rawValue) }
            rules.append(.object(object))
        }
        let document: JSONObject = [
            "connectors": .array(connectors), "integrations": .array(integrations), "rules": .array(rules),
        ]
        let yaml = try Yams.serialize(node: Self.node(.object(document)), indent: 2, width: -1, allowUnicode: true)
        let header =
            needed.isEmpty
            ? "# PrismaRelay configuration. Apply with: prisma-relay apply -f FILE\n"
            : "# PrismaRelay configuration. Secrets are not in this file: set these before prisma-relay apply -f FILE\n"
                + needed.map { "#   \($0)\n" }.joined()
        return header + yaml
    }

    /// `prod-us_secret_key` → `PROD_US_SECRET_KEY`.
    static func variableName(_ text: String) -> String {
        var out = ""
        var last: Character = "_"
        for character in text {
            if character.isLetter, character.isUppercase, last.isLetter, last.isLowercase { out.append("_") }
            let next: Character = character.isLetter || character.isNumber ? Character(character.uppercased()) : "_"
            if next == "_", out.last == "_" { continue }
            out.append(next)
            last = character
        }
        return out.trimmingCharacters(in: CharacterSet(charactersIn: "_"))
    }

    /// A value as a YAML node; a string that YAML would read as something else is quoted.
    static func node(_ value: JSONValue) -> Node {
        switch value {
        case .null: return Node("null", Tag(.null))
        case .bool(let flag): return Node(flag ? "true" : "false", Tag(.bool))
        case .number(let literal): return Node(literal, Tag(.int))
        case .string(let text):
            let plain = Node(text)
            let ambiguous = text.isEmpty || plain.null != nil || plain.bool != nil || plain.int != nil || plain.float != nil
            return Node(text, Tag(.str), ambiguous || text.contains("${") ? .doubleQuoted : .any)
        case .array(let items): return Node(items.map(node))
        case .object(let object): return Node(object.map { (Node($0.key), node($0.value)) })
        }
    }
}
