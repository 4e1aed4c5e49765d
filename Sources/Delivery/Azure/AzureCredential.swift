import Foundation
import RelayHTTP
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
        var authority = variables["AZURE_AUTHORITY_HOST"] ?? "https://login.microsoftonline.com"
        while authority.hasSuffix("/") { authority.removeLast() }
        return try await cache.token(
            for: scope, now: clock(), url: "\(authority)/\(SigV4.encode(tenant))/oauth2/v2.0/token",
            form: [("grant_type", "client_credentials"), ("client_id", client), ("client_secret", secret), ("scope", scope)], http: http,
            signIn: "Azure sign-in"
        ) { status, reason in
            "Azure refused the service principal \(client) of tenant \(tenant) (HTTP \(status)) \(reason): check AZURE_CLIENT_SECRET"
        }
    }
}
