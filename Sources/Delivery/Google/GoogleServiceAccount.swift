import Foundation
import RelayHTTP
import RelayModel

/// A Google service account from the relay's environment — the JSON key file `GOOGLE_APPLICATION_CREDENTIALS` names,
/// as Google's libraries read it — exchanged for OAuth access tokens with a signed JWT assertion (RFC 7523) at the
/// key's `token_uri`. Tokens are cached until five minutes before they expire.
public struct GoogleServiceAccount: Sendable {
    let variables: [String: String]
    let http: HTTPExchange
    let clock: @Sendable () -> Int64
    let cache: TokenCache

    public static let cloudPlatformScope = "https://www.googleapis.com/auth/cloud-platform"

    public init(variables: [String: String], http: HTTPExchange, clock: @escaping @Sendable () -> Int64, cache: TokenCache = TokenCache()) {
        self.variables = variables
        self.http = http
        self.clock = clock
        self.cache = cache
    }

    /// The parts of a key file the relay uses.
    public struct Key: Sendable {
        public var clientEmail: String
        public var privateKeyID: String?
        public var privateKey: String
        public var tokenURI: String

        /// Reads a service-account key file's JSON, naming what is missing.
        public init(json: JSONValue) throws(CredentialError) {
            guard json["type"]?.stringValue == "service_account" else {
                throw CredentialError("the Google credentials are not a service-account key (\"type\": \"service_account\")")
            }
            guard let email = json["client_email"]?.stringValue, let key = json["private_key"]?.stringValue else {
                throw CredentialError("the service-account key lacks client_email or private_key")
            }
            clientEmail = email
            privateKey = key
            privateKeyID = json["private_key_id"]?.stringValue
            tokenURI = json["token_uri"]?.stringValue ?? "https://oauth2.googleapis.com/token"
        }
    }

    /// The key file named by `GOOGLE_APPLICATION_CREDENTIALS`.
    func key() throws(CredentialError) -> Key {
        guard let path = variables["GOOGLE_APPLICATION_CREDENTIALS"], !path.isEmpty else {
            throw CredentialError(
                "no Google service account: set GOOGLE_APPLICATION_CREDENTIALS to the path of a service-account key file (JSON) "
                    + "whose account has the Security Center Findings Editor role on the organization")
        }
        guard let data = FileManager.default.contents(atPath: path), let json = try? JSONValue.parse(Array(data)) else {
            throw CredentialError("GOOGLE_APPLICATION_CREDENTIALS names \(path), which cannot be read as JSON")
        }
        return try Key(json: json)
    }

    /// The assertion: `iss` the account, `aud` the token endpoint, an hour long.
    public static func assertion(key: Key, scope: String, now: Int64) throws(CredentialError) -> String {
        let signer = try RS256(pem: key.privateKey)
        let issued = now / 1000
        let claims: JSONValue = .object([
            "iss": .string(key.clientEmail), "scope": .string(scope), "aud": .string(key.tokenURI), "iat": .int(issued),
            "exp": .int(issued + 3600),
        ])
        do {
            return try signer.token(claims: claims, keyID: key.privateKeyID)
        } catch {
            throw CredentialError("the service-account key cannot sign: \(error)")
        }
    }

    /// An access token for `scope`.
    public func token(scope: String = cloudPlatformScope) async throws(CredentialError) -> String {
        let now = clock()
        if let cached = await cache.token(for: scope, now: now) { return cached }
        let key = try key()
        return try await cache.token(
            for: scope, now: now, url: key.tokenURI,
            form: [
                ("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"),
                ("assertion", try Self.assertion(key: key, scope: scope, now: now)),
            ],
            http: http, signIn: "Google sign-in"
        ) { status, reason in
            "Google refused the service account \(key.clientEmail) (HTTP \(status)) \(reason): check the key file and that the key is enabled"
        }
    }
}
