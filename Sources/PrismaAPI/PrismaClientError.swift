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
    case unreachable(apiURL: String, failure: TransportFailure)
    /// The relay's outbound policy does not let requests reach the URL's address.
    case outboundRefused(String)
    /// The Compute console refused the user name and password.
    case computeLoginRejected(status: Int, consoleURL: String)
    /// The Compute console path answered 404 on authenticate: the tenant id is missing or wrong.
    case tenantPathMissing(consoleURL: String)
    /// The connector's URL is plain `http://` to one of Prisma Cloud's own hosts, which answer only over HTTPS:
    /// nothing was sent.
    case plainHTTP(url: String)

    /// The error as a sentence with the cause and the fix, then the technical detail.
    public var sentence: ErrorSentence {
        switch self {
        case .loginRejected(let status, let reason, let apiURL):
            // The seed's troubleshooting phrase stays in the detail, for whoever searches for it.
            return Explain.prisma(
                status: status, request: "could not exchange access keys for prisma cloud JWT: POST \(URLRedaction.redact(apiURL))/login",
                reason: reason, login: true)
        case .loginNeedsCustomerName(let tenants):
            return ErrorSentence(
                "The access key can log in to several tenants (\(tenants.joined(separator: ", "))): use an access key created in the tenant to collect from",
                detail: "POST /login answered with a tenant list")
        case .forbidden(let path) where path.contains("/audit/"):
            return ErrorSentence(
                "Prisma Cloud refused to show the tenant's audit log (HTTP 403): the access key's role may not view audit logs; use a System Admin's key, or give the role's permission group the audit logs permission, or turn includeAuditLogs off",
                detail: "\(path) answered HTTP 403")
        case .forbidden(let path):
            return Explain.prisma(status: 403, request: path, reason: nil, login: false)
        case .tokenRefused(let path, let reason):
            return Explain.prisma(status: 401, request: path, reason: reason, login: false)
        case .notJSON(let path, let status, let contentType):
            return ErrorSentence(
                "Prisma Cloud answered with \(contentType ?? "a body of unknown type") where JSON was expected: the API URL probably points at the console or at a proxy's error page rather than the API (https://api….prismacloud.io)",
                detail: "\(path) answered HTTP \(status)")
        case .malformedJSON(let path, let detail):
            return ErrorSentence("Prisma Cloud answered with malformed JSON: the poll will be repeated", detail: "\(path): \(detail)")
        case .rejected(let path, let status, let reason):
            return Explain.prisma(status: status, request: path, reason: reason, login: false)
        case .retriesExhausted(let path, let attempts, let last):
            return ErrorSentence(
                "Prisma Cloud kept failing (\(last)): the window will be retried on the next poll; nothing is lost",
                detail: "\(path) failed \(attempts) times")
        case .computeLoginRejected(let status, let consoleURL):
            return ErrorSentence(
                "Prisma Cloud Compute refused the user name and password (HTTP \(status)): check the access key ID and secret key (or Compute user and password), and that the key has not expired",
                detail: "POST \(URLRedaction.redact(consoleURL))/api/v1/authenticate answered HTTP \(status)")
        case .tenantPathMissing(let consoleURL):
            return ErrorSentence(
                "The Compute console URL lacks the tenant path: it looks like https://us-east1.cloud.twistlock.com/us-1-123456789 (Compute → Manage → System → Utilities → Path to Console)",
                detail: "POST \(URLRedaction.redact(consoleURL))/api/v1/authenticate answered HTTP 404")
        case .unreachable(let apiURL, let failure):
            return Explain.transport(failure, url: apiURL, check: "check the API URL")
        case .outboundRefused(let words):
            return ErrorSentence(words)
        case .plainHTTP(let url):
            return ErrorSentence(
                "The connector's URL starts with http://, which Prisma Cloud does not answer and which would send the secret key unencrypted: nothing was sent; change it to https://",
                detail: URLRedaction.redact(url))
        }
    }

    public var description: String { sentence.description }
}
