import RelayModel

/// Reads AWS's error answers — XML (S3, query protocol) or JSON (`__type`, SQS's JSON protocol) — and says what
/// they mean for a delivery: refused credentials and wrong targets pause the integration, throttling and 5xx are
/// retried, an expired session is retried with fresh credentials, anything else is refused for good.
public struct AWSError: Sendable, Equatable {
    public var status: Int
    public var code: String
    public var message: String

    public init(status: Int, code: String, message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    /// The error in an answer (nil for a 2xx).
    public init?(_ response: DestinationResponse) {
        guard !(200..<300).contains(response.status) else { return nil }
        status = response.status
        if let json = try? JSONValue.parse(response.body), let type = json["__type"]?.stringValue {
            code = String(type.split(separator: "#").last ?? Substring(type))
            message = json["message"]?.stringValue ?? json["Message"]?.stringValue ?? ""
        } else if let xmlCode = AWSXML.first("Code", in: response.body) {
            code = xmlCode
            message = AWSXML.first("Message", in: response.body) ?? ""
        } else {
            code = "HTTP\(response.status)"
            message = RemoteDetail.text(in: response.body)
        }
    }

    static let credentialCodes: Set<String> = [
        "InvalidAccessKeyId", "InvalidClientTokenId", "SignatureDoesNotMatch", "AccessDenied", "AccessDeniedException",
        "UnrecognizedClientException", "InvalidSecurity", "MissingAuthenticationToken", "IncompleteSignature", "KmsAccessDenied",
    ]
    static let targetCodes: Set<String> = [
        "NoSuchBucket", "PermanentRedirect", "AuthorizationHeaderMalformed", "QueueDoesNotExist", "NonExistentQueue",
        "AWS.SimpleQueueService.NonExistentQueue", "KmsDisabled", "KmsNotFound",
    ]
    static let expiredCodes: Set<String> = ["ExpiredToken", "ExpiredTokenException", "RequestExpired", "TokenRefreshRequired"]
    static let temporaryCodes: Set<String> = [
        "Throttling", "ThrottlingException", "RequestThrottled", "SlowDown", "ServiceUnavailable", "InternalError", "InternalFailure",
        "RequestTimeout", "KmsThrottled",
    ]

    /// Whether fresh credentials may cure it.
    public var sessionExpired: Bool { Self.expiredCodes.contains(code) }

    /// What the error means, with the config key to check in the reason.
    public func outcome(service: String, target: String) -> DeliveryOutcome {
        let text = "\(service) answered HTTP \(status) \(code)\(message.isEmpty ? "" : ": \(message)")"
        if Self.credentialCodes.contains(code) {
            return .credentialsRefused(
                reason: "\(text) — check the credentials and the IAM policy (and roleArn/externalId)", statusCode: status)
        }
        if Self.targetCodes.contains(code) {
            return .credentialsRefused(reason: "\(text) — check \(target)", statusCode: status)
        }
        if sessionExpired || Self.temporaryCodes.contains(code) || RetryPolicy.isRetryable(status: status) {
            return .retryLater(reason: text, statusCode: status, wait: nil)
        }
        return .rejected(reason: text, statusCode: status)
    }
}
