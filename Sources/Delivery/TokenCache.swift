/// OAuth access tokens by scope, until five minutes before they expire.
public actor TokenCache {
    var tokens: [String: (token: String, expiry: Int64)] = [:]
    public init() {}
    func token(for scope: String, now: Int64) -> String? {
        guard let entry = tokens[scope], now < entry.expiry - 5 * 60_000 else { return nil }
        return entry.token
    }
    func store(_ token: String, for scope: String, until expiry: Int64) { tokens[scope] = (token, expiry) }
}

extension TokenCache {
    /// Forgets every token (after a server said one no longer works).
    func clear() { tokens = [:] }
}
