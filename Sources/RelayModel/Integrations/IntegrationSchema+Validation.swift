extension IntegrationSchema {
    /// The checked `integrationConfig` with defaults filled in (intervals as numbers), or every problem found,
    /// each naming its key (`integrationConfig.webhookUrl`) and the fix.
    public func validate(_ value: JSONValue?) throws(ConfigErrors) -> JSONObject {
        guard let given = value?.objectValue else {
            throw ConfigErrors([ConfigError(field: "integrationConfig", "is required: an object with the \(type.rawValue) keys")])
        }
        var errors: [ConfigError] = []
        var config = JSONObject()
        var reported = Set<String>()
        for member in given {
            guard let field = field(member.key) else {
                let known = fields.map(\.key).joined(separator: ", ")
                errors.append(ConfigError(field: Self.path(member.key), "is not a \(type.rawValue) key (known keys: \(known))"))
                continue
            }
            if member.value == .null { continue }
            switch Self.check(member.value, field: field) {
            case .success(let normalized): config[member.key] = normalized
            case .failure(let error):
                errors.append(error)
                reported.insert(member.key)
            }
        }
        for field in fields where config[field.key] == nil && !reported.contains(field.key) {
            if let defaultValue = field.defaultValue {
                config[field.key] = defaultValue
            } else if field.required {
                errors.append(ConfigError(field: Self.path(field.key), "is required: \(field.help)"))
            }
        }
        if errors.isEmpty { errors = crossCheck(config) }
        guard errors.isEmpty else { throw ConfigErrors(errors) }
        return config
    }

    /// Checks one value against its field.
    static func check(_ value: JSONValue, field: IntegrationField) -> Result<JSONValue, ConfigError> {
        let path = Self.path(field.key)
        func fail(_ message: String) -> Result<JSONValue, ConfigError> { .failure(ConfigError(field: path, message)) }
        switch field.kind {
        case .string:
            guard let text = value.stringValue else { return fail("must be a string") }
            if text.isEmpty { return field.required ? fail("is required: \(field.help)") : .success(value) }
            if let problem = field.check?(text) { return fail(problem) }
            return .success(value)
        case .bool:
            guard value.boolValue != nil else { return fail("must be true or false") }
            return .success(value)
        case .interval(let allowed):
            guard let number = value.int64Value, allowed.contains(Int(number)) else {
                return fail("must be one of \(allowed.map(String.init).joined(separator: ", ")) (minutes)")
            }
            return .success(.int(number))
        case .count(let range):
            guard let number = value.int64Value ?? value.stringValue.flatMap({ Int64($0) }), range.contains(Int(number)) else {
                return fail("must be a whole number from \(range.lowerBound) to \(range.upperBound)")
            }
            return .success(.int(number))
        case .headers:
            guard let items = value.arrayValue else { return fail("must be an array of {key, value, secure, readOnly}") }
            for (index, item) in items.enumerated() {
                guard let key = item["key"]?.stringValue, !key.isEmpty, item["value"]?.stringValue != nil else {
                    return fail("entry \(index) needs a key and a string value")
                }
                if let unknown = item.objectValue?.members.first(where: { !["key", "value", "secure", "readOnly"].contains($0.key) }) {
                    return fail("entry \(index) has an unknown key \(unknown.key) (use key, value, secure, readOnly)")
                }
                for flag in ["secure", "readOnly"] where item[flag] != nil && item[flag]?.boolValue == nil {
                    return fail("entry \(index): \(flag) must be true or false")
                }
                if key.unicodeScalars.contains(where: { $0 == ":" || $0 == " " || $0 == "\n" || $0 == "\r" }) {
                    return fail("entry \(index): \"\(key)\" is not a header name")
                }
                if OutboundPolicy.reservedHeaders.contains(key.lowercased()) {
                    return fail("entry \(index): \(key) is set by the relay's HTTP client and cannot be configured; remove it")
                }
                if let text = item["value"]?.stringValue, text.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" }) {
                    return fail(
                        "entry \(index) (\(key)): the value holds a line break (CR or LF), which would split the request; remove it")
                }
            }
            return .success(value)
        case .tables:
            let allowed = ["incident", "sn_si_incident", "em_event"]
            guard let items = value.arrayValue, !items.isEmpty else {
                return fail(#"must be an array such as [{"incident": true}, {"sn_si_incident": false}, {"em_event": false}]"#)
            }
            var enabled = 0
            for item in items {
                guard let object = item.objectValue, object.count == 1, let member = object.members.first else {
                    return fail(#"each entry holds one table, e.g. {"incident": true}"#)
                }
                guard allowed.contains(member.key) else {
                    return fail("\(member.key) is not a table: use incident, sn_si_incident or em_event")
                }
                guard let on = member.value.boolValue else { return fail("\(member.key) must be true or false") }
                if on { enabled += 1 }
            }
            return enabled > 0 ? .success(value) : fail("enable at least one of incident, sn_si_incident, em_event")
        case .customPayloads:
            guard let object = value.objectValue, let template = object["CS"]?.stringValue else {
                return fail(#"must be {"CS": "<JSON string>"}, e.g. {"CS": "[{\"resourceId\":\"${ResourceId}\"}]"}"#)
            }
            if let unknown = object.members.first(where: { $0.key != "CS" }) {
                return fail("\(unknown.key) is not supported: only CS (Config Scanner) payloads are")
            }
            do {
                _ = try JSONValue.parse(template)
            } catch {
                return fail("CS must hold JSON text (\(error))")
            }
            return .success(value)
        case .array:
            return value.arrayValue == nil ? fail("must be an array") : .success(value)
        }
    }
}
