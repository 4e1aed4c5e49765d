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
        let header = Self.base64URL(Array(#"{"alg":"HS256","typ":"JWT"}"#.utf8))
        let payload: JSONValue = .object([
            "sub": .string(claims.user), "prismaId": .string(claims.tenant), "iat": .int(claims.issuedAt / 1000),
            "exp": .int(claims.expiresAt / 1000), "jti": .string(claims.tokenID),
        ])
        let signingInput = header + "." + Self.base64URL(payload.jsonBytes())
        let signature = HMAC<SHA256>.authenticationCode(for: Array(signingInput.utf8), using: key)
        return signingInput + "." + Self.base64URL(Array(signature))
    }

    /// The claims of a token this simulator signed, or nil when it is not one.
    func verify(_ token: String) -> Claims? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let signature = Self.decodeBase64URL(String(parts[2])),
            HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: Array("\(parts[0]).\(parts[1])".utf8), using: key),
            let payloadBytes = Self.decodeBase64URL(String(parts[1])),
            let payload = try? JSONValue.parse(payloadBytes),
            let user = payload["sub"]?.stringValue, let exp = payload["exp"]?.int64Value, let iat = payload["iat"]?.int64Value,
            let tenant = payload["prismaId"]?.stringValue, let jti = payload["jti"]?.stringValue
        else { return nil }
        return Claims(user: user, tenant: tenant, issuedAt: iat * 1000, expiresAt: exp * 1000, tokenID: jti)
    }

    static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func decodeBase64URL(_ text: String) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64)
    }
}
