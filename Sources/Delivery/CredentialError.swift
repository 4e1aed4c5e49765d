import RelayModel

/// Why no credentials could be had, in an operator's words.
public struct CredentialError: Error, CustomStringConvertible, Sendable {
    public var description: String
    /// True when trying again later may help (throttling, a 5xx, an unreachable endpoint).
    public var temporary: Bool
    public init(_ description: String, temporary: Bool = false) {
        self.description = description
        self.temporary = temporary
    }
}

extension CredentialError {
    /// What it means for a delivery: wait and retry when temporary, else pause the integration with the reason.
    public func outcome(_ what: String) -> DeliveryOutcome {
        temporary
            ? .retryLater(reason: "no credentials for \(what): \(description)", statusCode: nil, wait: nil)
            : .credentialsRefused(reason: "no credentials for \(what): \(description)", statusCode: 0)
    }
}
