import Crypto
import Foundation
import RelayModel
import RelayStore

/// Checks the relay API's credentials: an access key pair (as a bearer token `KEYID:SECRET`, or exchanged at
/// `POST /login` for a JWT carried in `x-redlock-auth`, the way Prisma Cloud's clients work).
public struct APIAuthenticator: Sendable {
    let store: any RelayStore
    let signingKey: SymmetricKey
    let clock: @Sendable () -> Int64
    /// JWT lifetime (Prisma's: ten minutes).
    public var tokenLifetimeMillis: Int64 = 600_000

    public init(store: any RelayStore, signingKey: SymmetricKey, clock: @escaping @Sendable () -> Int64) {
        self.store = store
        self.signingKey = signingKey
        self.clock = clock
    }

    /// A new access key pair: the secret is returned once and stored only as its hash.
    public static func newKey(name: String, now: Int64) -> (key: APIKey, secret: String) {
        let id = UUID().uuidString.lowercased()
        let secret = SymmetricKey(size: .bits256).withUnsafeBytes { Base64URL.encode($0) }
        return (APIKey(id: id, name: name, secretHash: hash(secret), createdAt: now), secret)
    }

    static func hash(_ secret: String) -> String {
        SHA256.hash(data: Data(secret.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// The key id when `id` and `secret` are a valid pair.
    public func verify(id: String, secret: String) async throws -> String? {
        guard let key = try await store.apiKey(id: id) else { return nil }
        // Constant-time comparison of the hashes.
        let given = Array(Self.hash(secret).utf8), stored = Array(key.secretHash.utf8)
        guard given.count == stored.count else { return nil }
        return zip(given, stored).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0 ? key.id : nil
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

    /// Why a JWT is refused.
    public enum TokenProblem: Error, Equatable {
        case invalid
        case expired
    }

    /// The key id a valid, unexpired JWT was issued to.
    public func verifyToken(_ token: String) -> Result<String, TokenProblem> {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, let signature = Base64URL.decode(parts[2]),
            HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: Array("\(parts[0]).\(parts[1])".utf8), using: signingKey),
            let payload = Base64URL.decode(parts[1]).flatMap({ try? JSONValue.parse($0) }),
            let subject = payload["sub"]?.stringValue, let expiry = payload["exp"]?.int64Value
        else { return .failure(.invalid) }
        return clock() < expiry * 1000 ? .success(subject) : .failure(.expired)
    }
}
