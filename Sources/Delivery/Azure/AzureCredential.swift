import Foundation
import PrismaAPI
import RelayModel

/// An Azure service principal from the relay's environment (`AZURE_TENANT_ID`, `AZURE_CLIENT_ID`,
/// `AZURE_CLIENT_SECRET`, optionally `AZURE_AUTHORITY_HOST`), as Azure's SDKs read it, exchanged for OAuth tokens by
/// the client-credentials grant. Tokens are cached until five minutes before they expire.
public struct AzureCredential: Sendable {
    let variables: [String: String]
    let http: HTTPExchange
    let clock: @Sendable () -> Int64
    let cache: TokenCache

    public init(variables: [String: String], http: HTTPExchange, clock: @escaping @Sendable () -> Int64, cache: TokenCache = TokenCache()) {
        self.variables = variables
        self.http = http
        self.clock = clock
        self.cache = cache
    }

    /// A bearer token for `scope` (e.g. `https://servicebus.azure.net/.default`).
    public func token(scope: String) async throws(CredentialError) -> String {
        let missing = ["AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET"].filter { (variables[$0] ?? "").isEmpty }
        guard missing.isEmpty, let tenant = variables["AZURE_TENANT_ID"], let client = variables["AZURE_CLIENT_ID"],
            let secret = variables["AZURE_CLIENT_SECRET"]
        else {
            throw CredentialError(
                "no Azure service principal: set \(missing.joined(separator: ", ")) in the relay's environment "
                    + "(an app registration with the Azure Service Bus Data Sender role on the queue)")
        }
        let now = clock()
        if let cached = await cache.token(for: scope, now: now) { return cached }
        var authority = variables["AZURE_AUTHORITY_HOST"] ?? "https://login.microsoftonline.com"
        while authority.hasSuffix("/") { authority.removeLast() }
        let form = [("grant_type", "client_credentials"), ("client_id", client), ("client_secret", secret), ("scope", scope)]
            .map { "\($0.0)=\(SigV4.encode($0.1))" }.joined(separator: "&")
        let request = DestinationRequest(
            url: "\(authority)/\(SigV4.encode(tenant))/oauth2/v2.0/token", headers: [("Content-Type", "application/x-www-form-urlencoded")],
            body: Array(form.utf8))
        switch await http.send(request) {
        case .failure(let failure):
            throw CredentialError("Azure sign-in failed: could not reach \(failure.url): \(failure.error)", temporary: true)
        case .success(let response):
            let json = try? JSONValue.parse(response.body)
            guard response.status == 200, let token = json?["access_token"]?.stringValue else {
                let reason = [json?["error"]?.stringValue, json?["error_description"]?.stringValue].compactMap { $0 }.joined(separator: ": ")
                throw CredentialError(
                    "Azure refused the service principal \(client) of tenant \(tenant) (HTTP \(response.status)) \(reason): check AZURE_CLIENT_SECRET",
                    temporary: RetryPolicy.isRetryable(status: response.status))
            }
            let lifetime = json?["expires_in"]?.int64Value ?? 3600
            await cache.store(token, for: scope, until: now + lifetime * 1000)
            return token
        }
    }
}
