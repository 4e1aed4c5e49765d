import Crypto
import Foundation
import RelayModel
import _CryptoExtras

/// JSON Web Tokens signed with RS256 (RSASSA-PKCS1-v1_5 with SHA-256), as Google's service-account assertions and
/// Snowflake's key-pair authentication take them. Pure: the same key, header and claims always give the same token.
public struct RS256 {
    public let key: _RSA.Signing.PrivateKey

    public init(key: _RSA.Signing.PrivateKey) { self.key = key }

    /// Reads a PEM private key (PKCS#8 or PKCS#1), decrypting an `ENCRYPTED PRIVATE KEY` with `passphrase`.
    public init(pem: String, passphrase: String? = nil) throws(CredentialError) {
        do {
            if pem.contains("ENCRYPTED") {
                guard let passphrase, !passphrase.isEmpty else {
                    throw CredentialError("the private key is encrypted: give its passphrase")
                }
                key = try _RSA.Signing.PrivateKey(encryptedPEMRepresentation: pem) { (set: ([UInt8]) -> Void) in set(Array(passphrase.utf8))
                }
            } else {
                key = try _RSA.Signing.PrivateKey(pemRepresentation: pem)
            }
        } catch let error as CredentialError {
            throw error
        } catch {
            throw CredentialError(
                pem.contains("ENCRYPTED")
                    ? "the private key cannot be decrypted: check passphrase" : "the private key is not a PEM RSA key of 2048 bits or more")
        }
    }

    /// `base64url(header).base64url(claims)`, the bytes that are signed.
    public static func signingInput(header: JSONValue, claims: JSONValue) -> String {
        Base64URL.encode(header.jsonBytes()) + "." + Base64URL.encode(claims.jsonBytes())
    }

    /// The signed token; `header` gets `alg` and `typ` first.
    public func token(claims: JSONValue, keyID: String? = nil) throws -> String {
        var header: JSONObject = ["alg": .string("RS256"), "typ": .string("JWT")]
        if let keyID { header["kid"] = .string(keyID) }
        let input = Self.signingInput(header: .object(header), claims: claims)
        let signature = try key.signature(for: Data(input.utf8), padding: .insecurePKCS1v1_5)
        return input + "." + Base64URL.encode(signature.rawRepresentation)
    }

    /// `SHA256:` and the base64 SHA-256 of the public key's DER SubjectPublicKeyInfo, as Snowflake shows it in
    /// `RSA_PUBLIC_KEY_FP`.
    public var publicKeyFingerprint: String {
        "SHA256:" + Data(SHA256.hash(data: key.publicKey.derRepresentation)).base64EncodedString()
    }
}
