import RelayHTTP
import RelayModel

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

extension TokenCache {
    /// A token for `scope` from the cache, or from an OAuth token endpoint: `form` POSTed to `url`, the answer's
    /// `access_token` kept for its `expires_in`. A refusal reads `refused(status, "error: error_description")`.
    func token(
        for scope: String, now: Int64, url: String, form: [(String, String)], http: HTTPExchange, signIn: String,
        refused: (Int, String) -> String
    ) async throws(CredentialError) -> String {
        if let cached = token(for: scope, now: now) { return cached }
        let body = FormData.encode(form)
        let request = DestinationRequest(url: url, headers: [("Content-Type", "application/x-www-form-urlencoded")], body: Array(body.utf8))
        switch await http.send(request) {
        case .failure(let failure):
            throw CredentialError("\(signIn) failed: \(failure)", temporary: true)
        case .success(let response):
            let json = try? JSONValue.parse(response.body)
            guard response.status == 200, let token = json?["access_token"]?.stringValue else {
                let reason = [json?["error"]?.stringValue, json?["error_description"]?.stringValue].compactMap { $0 }.joined(
                    separator: ": ")
                throw CredentialError(refused(response.status, reason), temporary: RetryPolicy.isRetryable(status: response.status))
            }
            store(token, for: scope, until: now + (json?["expires_in"]?.int64Value ?? 3600) * 1000)
            return token
        }
    }
}
