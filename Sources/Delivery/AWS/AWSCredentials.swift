/// An AWS access key pair, with the session token and expiry of temporary credentials.
public struct AWSCredentials: Sendable, Equatable {
    public var accessKeyID: String
    public var secretAccessKey: String
    public var sessionToken: String?
    /// Epoch milliseconds after which temporary credentials no longer work.
    public var expiration: Int64?
    /// Where they came from, for messages (`environment`, `profile default`, `AssumeRole arn:…`).
    public var origin: String

    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil, expiration: Int64? = nil, origin: String) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.expiration = expiration
        self.origin = origin
    }

    /// Whether they should be replaced before use at `now`: five minutes before they expire.
    public func needsRefresh(at now: Int64) -> Bool {
        expiration.map { now >= $0 - 5 * 60_000 } ?? false
    }
}
