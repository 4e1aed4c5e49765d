import Delivery
import Foundation
import RelayModel
import Testing

@Suite("Snowflake key-pair JWT and account")
struct SnowflakeTests {
    @Test(
        "the account and user come from username ACCOUNT.USER or an account URL, upper-cased; otherwise the error says what to give",
        arguments: [
            ("xy12345.relay_user", nil as String?, "XY12345", "RELAY_USER", "https://xy12345.snowflakecomputing.com"),
            (
                "relay_user", "https://myorg-acct.snowflakecomputing.com/", "MYORG-ACCT", "RELAY_USER",
                "https://myorg-acct.snowflakecomputing.com"
            ),
            ("XY12345.RELAY", "http://127.0.0.1:9999", "XY12345", "RELAY", "http://127.0.0.1:9999"),
            ("", "ab123.prisma", "AB123", "PRISMA", "https://ab123.snowflakecomputing.com"),
        ])
    func accountAndUser(username: String, hostUrl: String?, account: String, user: String, base: String) throws {
        let parsed = try SnowflakeUser(username: username, hostUrl: hostUrl)
        #expect(parsed.account == account && parsed.user == user && parsed.baseURL == base)
    }

    @Test("a user without an account is refused with what to give")
    func noAccount() {
        #expect(throws: CredentialError.self) { try SnowflakeUser(username: "relay", hostUrl: nil) }
    }

    @Test("the JWT from an encrypted PKCS#8 key is exact for a fixed clock; cryptography agrees on signature and fingerprint")
    func jwtGolden() async throws {
        let encrypted = try TestKeys.pem("test-rsa-key-encrypted.pem")
        let signer = try RS256(pem: encrypted, passphrase: "relay-test-passphrase")
        let user = try SnowflakeUser(username: "xy12345.relay_user", hostUrl: nil)
        let token = try signer.token(claims: user.claims(fingerprint: signer.publicKeyFingerprint, now: 1_763_800_000_000))
        let claims = try JSONValue.parse(Array(try #require(Base64URL.decode(String(token.split(separator: ".")[1])))))
        #expect(
            claims
                == .object([
                    "iss": .string("XY12345.RELAY_USER.\(signer.publicKeyFingerprint)"), "sub": .string("XY12345.RELAY_USER"),
                    "iat": .int(1_763_800_000), "exp": .int(1_763_803_600),
                ]))
        let input: JSONValue = .object([
            "token": .string(token), "key_pem": .string(encrypted), "passphrase": .string("relay-test-passphrase"),
        ])
        let reference = try JSONValue.parse(Array(try await ReferenceTool.run("jwt_rs256.py", input: Data(input.jsonBytes())).utf8))
        #expect(reference["fingerprint"] == .string(signer.publicKeyFingerprint))
        #expect(reference["signature"] == .string(String(token.split(separator: ".")[2])))
        // The same key unencrypted signs alike.
        #expect(try RS256(pem: try TestKeys.pem("test-rsa-key.pem")).token(claims: claims) == token)
    }

    @Test("an encrypted key without its passphrase, or with a wrong one, says what to fix")
    func passphraseErrors() throws {
        let encrypted = try TestKeys.pem("test-rsa-key-encrypted.pem")
        do {
            _ = try RS256(pem: encrypted)
            Issue.record("an encrypted key opened without a passphrase")
        } catch {
            #expect(error.description == "the private key is encrypted: give its passphrase")
        }
        do {
            _ = try RS256(pem: encrypted, passphrase: "wrong")
            Issue.record("an encrypted key opened with a wrong passphrase")
        } catch {
            #expect(error.description == "the private key cannot be decrypted: check passphrase")
        }
    }
}
