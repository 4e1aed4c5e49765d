import RelayModel

/// Why a call to Prisma Cloud failed, in words an operator can act on.
public enum PrismaClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `/login` refused the access key pair.
    case loginRejected(status: Int, reason: String?, apiURL: String)
    /// The key belongs to several tenants and none was named.
    case loginNeedsCustomerName(tenants: [String])
    /// The alert list answered 403: the key's role cannot view alerts.
    case forbidden(path: String)
    /// A freshly issued token was refused.
    case tokenRefused(path: String, reason: String?)
    /// The answer was not JSON (an HTML page, typically).
    case notJSON(path: String, status: Int, contentType: String?)
    /// The answer claimed to be JSON but could not be read.
    case malformedJSON(path: String, detail: String)
    /// A 4xx that retrying cannot fix.
    case rejected(path: String, status: Int, reason: String?)
    /// Every attempt failed with a temporary error.
    case retriesExhausted(path: String, attempts: Int, last: String)
    /// The host could not be reached.
    case unreachable(apiURL: String, detail: String)
    /// The relay's outbound policy does not let requests reach the URL's address.
    case outboundRefused(String)
    /// The Compute console refused the user name and password.
    case computeLoginRejected(status: Int, consoleURL: String)
    /// The Compute console path answered 404 on authenticate: the tenant id is missing or wrong.
    case tenantPathMissing(consoleURL: String)

    public var description: String {
        switch self {
        case .loginRejected(let status, let reason, let apiURL):
            return "could not exchange access keys for prisma cloud JWT: POST \(apiURL)/login answered HTTP \(status)"
                + (reason.map { " (\($0))" } ?? "")
                + ". The access key ID / secret key pair is wrong, the access key has expired or been disabled, or the API URL "
                + "points to a different region than the tenant (System → API Endpoints in the console shows the right one)."
        case .loginNeedsCustomerName(let tenants):
            return "could not exchange access keys for prisma cloud JWT: the key can log in to several tenants ("
                + tenants.joined(separator: ", ") + "); use an access key created in the tenant to collect from."
        case .forbidden(let path):
            return "HTTP 403 on \(path): the role attached to the access key lacks Alerts: View. Check Settings → Access Control → "
                + "Access Keys → <your key> → Role and give the role that permission."
        case .tokenRefused(let path, let reason):
            return "Prisma Cloud refused a freshly issued token on \(path)" + (reason.map { " (\($0))" } ?? "")
                + ": the tenant may have revoked the access key; create a new key and update the connector."
        case .notJSON(let path, let status, let contentType):
            return
                "Prisma Cloud answered \(path) with \(contentType ?? "a body of unknown type") (HTTP \(status)) where JSON was expected: "
                + "the API URL probably points at the console or a proxy's error page rather than the API (https://api….prismacloud.io)."
        case .malformedJSON(let path, let detail):
            return "Prisma Cloud answered \(path) with malformed JSON (\(detail)); the poll will be repeated."
        case .rejected(let path, let status, let reason):
            return "Prisma Cloud rejected \(path) with HTTP \(status)" + (reason.map { " (\($0))" } ?? "") + "."
        case .retriesExhausted(let path, let attempts, let last):
            return
                "Prisma Cloud kept failing on \(path) after \(attempts) attempts (last: \(last)); the window will be retried on the next poll."
        case .computeLoginRejected(let status, let consoleURL):
            return "Prisma Cloud Compute at \(consoleURL) refused the user name and password (HTTP \(status)): check the access key ID "
                + "and secret key (or Compute user and password), and that the key has not expired."
        case .tenantPathMissing(let consoleURL):
            return "POST \(consoleURL)/api/v1/authenticate answered 404: the Prisma URI probably lacks the tenant path. It looks like "
                + "https://us-east1.cloud.twistlock.com/us-1-123456789 (Compute → Manage → System → Utilities → Path to Console)."
        case .unreachable(let apiURL, let detail):
            return
                "could not reach \(URLRedaction.redact(apiURL)): \(detail). Check the API URL and the network path (proxy, firewall, DNS)."
        case .outboundRefused(let words):
            return words
        }
    }
}
