/// A configuration value that cannot be used, with the field it belongs to and what to do about it.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The field, as the user wrote it (`apiURL`, `pageSize`, …).
    public var field: String
    /// What is wrong and how to fix it.
    public var message: String

    public init(field: String, _ message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { "\(field): \(message)" }
}

/// Every problem found in one configuration, so that the user can fix them all at once.
public struct ConfigErrors: Error, Sendable, Equatable, CustomStringConvertible {
    public var errors: [ConfigError]
    public init(_ errors: [ConfigError]) { self.errors = errors }
    public var description: String { errors.map(\.description).joined(separator: "; ") }

    /// The same problems with fields named as the caller's interface names them (a command's options, say).
    public func renamingFields(_ names: [String: String]) -> ConfigErrors {
        ConfigErrors(errors.map { ConfigError(field: names[$0.field] ?? $0.field, $0.message) })
    }
}
