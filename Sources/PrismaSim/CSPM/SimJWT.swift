import Crypto
import Foundation
import RelayModel

/// HS256 JSON Web Tokens like the ones Prisma's `/login` issues.
struct SimJWT: Sendable {
    struct Claims: Sendable {
        var user: String
        var tenant: String
        var issuedAt: Int64
        var expiresAt: Int64
        var tokenID: String
    }

    let key: SymmetricKey

    func sign(_ claims: Claims) -> String {
        let header = Base64URL.encode(Array(#"{"alg":"HS256","typ":"JWT"}"#.utf8))
        let payload: JSONValue = .object([
            "sub": .string(claims.user), "prismaId": .string(claims.tenant), "iat": .int(claims.issuedAt / 1000),
            "exp": .int(claims.expiresAt / 1000), "jti": .string(claims.tokenID),
        ])
        let signingInput = header + "." + Base64URL.encode(payload.jsonBytes())
        let signature = HMAC<SHA256>.authenticationCode(for: Array(signingInput.utf8), using: key)
        return signingInput + "." + Base64URL.encode(Array(signature))
    }

    /// The claims of a token this simulator signed, or nil when it is not one.
    func verify(_ token: String) -> Claims? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let signature = Base64URL.decode(String(parts[2])),
            HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: Array("\(parts[0]).\(parts[1])".utf8), using: key),
            let payloadBytes = Base64URL.decode(String(parts[1])),
            let payload = try? JSONValue.parse(payloadBytes),
            let user = payload["sub"]?.stringValue, let exp = payload["exp"]?.int64Value, let iat = payload["iat"]?.int64Value,
            let tenant = payload["prismaId"]?.stringValue, let jti = payload["jti"]?.stringValue
        else { return nil }
        return Claims(user: user, tenant: tenant, issuedAt: iat * 1000, expiresAt: exp * 1000, tokenID: jti)
    }
}
