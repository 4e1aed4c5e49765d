import Foundation

/// One key of an `integrationConfig`: its type, whether it is required, its default, whether it is secret, and
/// the rule its value must meet. The same description validates the API and draws the console's forms.
public struct IntegrationField: Sendable {
    /// The JSON type a value must have.
    public enum Kind: Sendable, Equatable {
        case string
        case bool
        /// An integer from a fixed set, given as a number or a numeric string (Prisma's examples use both).
        case interval([Int])
        /// A whole number in a range, given as a number or a numeric string.
        case count(ClosedRange<Int>)
        /// The webhook's `headers`: `[{key, value, secure, readOnly}]`.
        case headers
        /// ServiceNow's `tables`: `[{"incident": true}, …]`.
        case tables
        /// The webhook's `customPayloads`: `{"CS": "<a JSON string>"}`.
        case customPayloads
        /// AWS Security Hub style region list, or any other array kept as given.
        case array
    }

    public var key: String
    /// What a form calls it, in words ("Auth token"); the key stays visible beside it as a hint.
    public var label: String
    public var kind: Kind
    /// Required in every variant of the type (variants add their own requirements).
    public var required: Bool
    /// Filled in when absent.
    public var defaultValue: JSONValue?
    /// Masked in every response, sealed at rest.
    public var secret: Bool
    /// A URL that is itself the credential (Slack's webhook): responses show it with its token part masked.
    public var urlIsSecret: Bool
    /// Whether the value is a credential, written out nowhere: a secret, or a URL that is one.
    public var holdsSecret: Bool { secret || urlIsSecret }
    /// Text of several lines (PEM certificates): a form draws a text area.
    public var multiline: Bool
    /// What people see next to the field.
    public var help: String
    /// The value's rule: nil when it is fine, else what is wrong and how to fix it.
    public var check: (@Sendable (String) -> String?)?

    public init(
        _ key: String, _ kind: Kind = .string, label: String? = nil, required: Bool = false, defaultValue: JSONValue? = nil,
        secret: Bool = false, urlIsSecret: Bool = false, multiline: Bool = false, help: String,
        check: (@Sendable (String) -> String?)? = nil
    ) {
        self.multiline = multiline
        self.urlIsSecret = urlIsSecret
        self.key = key
        self.label = label ?? Self.words(key)
        self.kind = kind
        self.required = required
        self.defaultValue = defaultValue
        self.secret = secret
        self.help = help
        self.check = check
    }
}

extension IntegrationField {
    /// A key in words, sentence case, with the acronyms people expect: `authToken` → "Auth token", `webhookUrl` →
    /// "Webhook URL", `apiKeyID` → "API key ID", `s3Uri` → "S3 URI".
    public static func words(_ key: String) -> String {
        var parts: [String] = []
        var current = ""
        let characters = Array(key)
        for (index, character) in characters.enumerated() {
            let next = index + 1 < characters.count ? characters[index + 1] : nil
            // A new word starts at an upper-case letter after a lower-case one or a digit, and at the last capital of a
            // run followed by a lower-case letter ("APIKey" → "API", "Key").
            if character.isUppercase, let last = current.last,
                last.isLowercase || last.isNumber || (last.isUppercase && next?.isLowercase == true)
            {
                parts.append(current)
                current = ""
            }
            current.append(character)
        }
        if !current.isEmpty { parts.append(current) }
        let acronyms: Set<String> = ["url", "uri", "id", "api", "arn", "s3", "sqs", "mfa", "ip", "tls", "http", "https", "json", "cs"]
        return parts.enumerated().map { index, part in
            let lower = part.lowercased()
            if acronyms.contains(lower) { return lower.uppercased() }
            return index == 0 ? lower.prefix(1).uppercased() + lower.dropFirst() : lower
        }.joined(separator: " ")
    }
}

/// The value rules fields share.
public enum FieldRule {
    /// An absolute http(s) URL.
    public static let httpURL: @Sendable (String) -> String? = { text in
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
            url.host?.isEmpty == false
        else { return "must be an http(s) URL, e.g. https://example.com/path" }
        return nil
    }

    /// A 128-bit UUID (`externalId`).
    public static let uuid: @Sendable (String) -> String? = { text in
        UUID(uuidString: text) == nil ? "must be a UUID such as 3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b" : nil
    }

    /// An IAM role ARN.
    public static let roleARN: @Sendable (String) -> String? = { text in
        text.wholeMatch(of: /arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@\/-]+/) == nil
            ? "must be an IAM role ARN such as arn:aws:iam::123456789012:role/PrismaRelay" : nil
    }

    /// An AWS region name.
    public static let awsRegion: @Sendable (String) -> String? = { text in
        text.wholeMatch(of: /[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d/) == nil ? "must be an AWS region such as us-east-1" : nil
    }

    /// A host name or address without a scheme.
    public static let bareHost: @Sendable (String) -> String? = { text in
        if text.contains("://") { return "give the host without http(s)://, e.g. qualysapi.qualys.com" }
        return text.contains(" ") || text.isEmpty ? "must be a host name" : nil
    }
}
