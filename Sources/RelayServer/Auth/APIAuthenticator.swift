import Crypto
import Foundation
import Logging
import Relay
import RelayModel

/// Checks the relay API's credentials: an access key pair (as a bearer token `KEYID:SECRET`, or exchanged at
/// `POST /login` for a JWT carried in `x-redlock-auth`, the way Prisma Cloud's clients work). Every check reads the
/// key, so a revoked key's secret, JWTs and console sessions stop working at once; refused secrets are throttled
/// per key id and client address, logged (never the secret) and counted.
public struct APIAuthenticator: Sendable {
    let keys: APIKeyService
    let signingKey: SymmetricKey
    let clock: @Sendable () -> Int64
    let throttle: SignInThrottle
    let usage: KeyUsage
    let logger: Logger
    let metrics: RelayMetrics
    /// JWT lifetime (Prisma's: ten minutes).
    public var tokenLifetimeMillis: Int64 = 600_000

    public init(
        keys: APIKeyService, signingKey: SymmetricKey, clock: @escaping @Sendable () -> Int64,
        logger: Logger = Logger(label: "prisma-relay.auth"), metrics: RelayMetrics = RelayMetrics()
    ) {
        self.keys = keys
        self.signingKey = signingKey
        self.clock = clock
        self.throttle = SignInThrottle(clock: clock)
        self.usage = KeyUsage(keys: keys, clock: clock)
        self.logger = logger
        self.metrics = metrics
    }

    /// Why a credential was refused.
    public enum Refusal: Error, Equatable {
        /// Unknown key, wrong secret, or a JWT that is not ours.
        case invalid
        case expired
        case revoked
        /// Too many recent failures for this key id or client: try again after this many seconds.
        case throttled(retryAfterSeconds: Int)
    }

    /// The live key when `id` and `secret` are a valid pair, unless recent failures for the key or the client
    /// (`client`: its address) make it wait.
    public func signIn(id: String, secret: String, client: String?) async throws -> Result<APIKey, Refusal> {
        if let wait = await throttle.wait(keyID: id, client: client) {
            refused(.throttled(retryAfterSeconds: Int((wait + 999) / 1000)), keyID: id, client: client)
            return .failure(.throttled(retryAfterSeconds: Int((wait + 999) / 1000)))
        }
        guard let key = try await keys.key(id: id), Self.sameHash(APIKeyService.hash(secret), key.secretHash) else {
            await throttle.failed(keyID: id, client: client)
            refused(.invalid, keyID: id, client: client)
            return .failure(.invalid)
        }
        guard key.revokedAt == nil else {
            refused(.revoked, keyID: id, client: client)
            return .failure(.revoked)
        }
        await throttle.succeeded(keyID: id, client: client)
        await usage.note(key)
        return .success(key)
    }

    /// The live key a valid, unexpired JWT was issued to.
    public func key(forToken token: String, client: String?) async throws -> Result<APIKey, Refusal> {
        let subject: String
        switch verifyToken(token) {
        case .success(let id): subject = id
        case .failure(let problem):
            refused(problem, keyID: "", client: client)
            return .failure(problem)
        }
        guard let key = try await activeKey(id: subject) else {
            refused(.revoked, keyID: subject, client: client)
            return .failure(.revoked)
        }
        return .success(key)
    }

    /// The key with this id while it exists and is not revoked (a console session's key, on every page).
    public func activeKey(id: String) async throws -> APIKey? {
        guard let key = try await keys.key(id: id), key.revokedAt == nil else { return nil }
        await usage.note(key)
        return key
    }

    func refused(_ refusal: Refusal, keyID: String, client: String?) {
        let reason: String
        switch refusal {
        case .invalid: reason = "invalid"
        case .expired: reason = "expired"
        case .revoked: reason = "revoked"
        case .throttled: reason = "throttled"
        }
        metrics.authFailure(reason: reason)
        logger.warning(
            "credential refused",
            metadata: ["reason": .string(reason), "key_id": .string(keyID), "client": .string(client ?? "unknown")])
    }

    static func sameHash(_ a: String, _ b: String) -> Bool {
        // Constant-time comparison of the hashes.
        let given = Array(a.utf8)
        let stored = Array(b.utf8)
        guard given.count == stored.count else { return false }
        return zip(given, stored).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// A JWT for `keyID`, valid for `tokenLifetimeMillis`.
    public func issueToken(for keyID: String) -> String {
        let now = clock()
        let header = Base64URL.encode(Array(#"{"alg":"HS256","typ":"JWT"}"#.utf8))
        let claims: JSONValue = .object(["sub": .string(keyID), "iat": .int(now / 1000), "exp": .int((now + tokenLifetimeMillis) / 1000)])
        let input = header + "." + Base64URL.encode(claims.jsonBytes())
        let signature = HMAC<SHA256>.authenticationCode(for: Array(input.utf8), using: signingKey)
        return input + "." + Base64URL.encode(Array(signature))
    }

    /// The key id a JWT signed by this relay and not yet expired names (whether that key is still live is
    /// `key(forToken:)`'s question).
    func verifyToken(_ token: String) -> Result<String, Refusal> {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, let signature = Base64URL.decode(parts[2]),
            HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: Array("\(parts[0]).\(parts[1])".utf8), using: signingKey),
            let payload = Base64URL.decode(parts[1]).flatMap({ try? JSONValue.parse($0) }),
            let subject = payload["sub"]?.stringValue, let expiry = payload["exp"]?.int64Value
        else { return .failure(.invalid) }
        return clock() < expiry * 1000 ? .success(subject) : .failure(.expired)
    }
}

/// Records when keys were last used, at most once a minute per key, so a busy client does not write on every call.
actor KeyUsage {
    let keys: APIKeyService
    let clock: @Sendable () -> Int64
    private var written: [String: Int64] = [:]

    init(keys: APIKeyService, clock: @escaping @Sendable () -> Int64) {
        self.keys = keys
        self.clock = clock
    }

    func note(_ key: APIKey) async {
        let now = clock()
        let last = written[key.id] ?? key.lastUsedAt ?? 0
        guard now - last >= 60_000 else { return }
        written[key.id] = now
        try? await keys.noteUse(id: key.id, at: now)
    }
}
