import Foundation
import RelayModel

/// Who a Snowflake integration signs in as, and where: the account and user of key-pair authentication and the
/// account's URL. Prisma's config names the user in `username` (or, as seed 003 documents, in `hostUrl`); the
/// account comes from `username` written `ACCOUNT.USER`, or from `hostUrl` when it is the account's URL.
public struct SnowflakeUser: Sendable, Equatable {
    /// Upper-case account identifier (a locator without its region, or `ORG-ACCOUNT`).
    public var account: String
    /// Upper-case user name.
    public var user: String
    /// `https://{account}.snowflakecomputing.com`, or the URL given.
    public var baseURL: String

    public init(username: String?, hostUrl: String?) throws(CredentialError) {
        let host = hostUrl.flatMap { $0.contains("://") ? URLComponents(string: $0) : nil }
        var name = username.flatMap { $0.isEmpty ? nil : $0 } ?? (host == nil ? hostUrl : nil) ?? ""
        var account: String?
        if let dot = name.firstIndex(of: ".") {
            account = String(name[..<dot])
            name = String(name[name.index(after: dot)...])
        } else if let label = host?.host?.split(separator: ".").first, host?.host?.hasSuffix("snowflakecomputing.com") == true {
            account = String(label)
        }
        guard let account, !account.isEmpty, !name.isEmpty else {
            throw CredentialError(
                "cannot tell the Snowflake account and user: give username as ACCOUNT.USER, or hostUrl as "
                    + "https://ACCOUNT.snowflakecomputing.com with username USER")
        }
        self.account = account.uppercased()
        user = name.uppercased()
        if let host, var url = hostUrl {
            while url.hasSuffix("/") { url.removeLast() }
            baseURL = host.scheme == nil ? "https://\(url)" : url
        } else {
            baseURL = "https://\(account.lowercased()).snowflakecomputing.com"
        }
    }

    /// The key-pair JWT's claims: `iss` = `ACCOUNT.USER.SHA256:<fingerprint>`, `sub` = `ACCOUNT.USER`, an hour long.
    public func claims(fingerprint: String, now: Int64) -> JSONValue {
        let issued = now / 1000
        return .object([
            "iss": .string("\(account).\(user).\(fingerprint)"), "sub": .string("\(account).\(user)"), "iat": .int(issued),
            "exp": .int(issued + 3600),
        ])
    }
}
