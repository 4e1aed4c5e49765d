/// What a destination's answer means for the events sent.
public enum DeliveryOutcome: Sendable, Equatable {
    /// Accepted: the outbox rows are done.
    case delivered
    /// A temporary failure: try again later, no sooner than `wait` when the destination said so.
    case retryLater(reason: String, statusCode: Int?, wait: Duration?)
    /// Refused for good (a 4xx the same request will always get): dead-letter with the reason.
    case rejected(reason: String, statusCode: Int?)
    /// The destination refused the integration as configured — its credentials (401/403), its URL (a redirect, which
    /// is never followed; nothing there, 404/410), an address the outbound policy refuses: every event would fail the
    /// same way, so the integration pauses, keeping its queue, until its config changes or a Test passes.
    case credentialsRefused(reason: String, statusCode: Int)
    /// Not sent, and not a failure: the destination collects events until `until` (epoch ms), as S3 closes a
    /// roll-up window. No attempt is counted.
    case held(until: Int64)

    /// The common reading of an HTTP status, for destinations that take every event at one URL: 2xx delivered; a
    /// redirect (never followed), 401/403 and 404/410 (nothing at that URL: every event would get the same) pause the
    /// integration; 408, 425, 429 and 5xx retry (after `Retry-After` when given); any other status rejected.
    public static func classify(
        status: Int, retryAfter: Duration?, detail: String, destination: String, location: String? = nil
    ) -> DeliveryOutcome {
        let reason = Explain.destination(destination, status: status, answer: detail, location: location).description
        switch status {
        case 200..<300: return .delivered
        case 300..<400, 401, 403, 404, 410: return .credentialsRefused(reason: reason, statusCode: status)
        case _ where RetryPolicy.isRetryable(status: status): return .retryLater(reason: reason, statusCode: status, wait: retryAfter)
        default: return .rejected(reason: reason, statusCode: status)
        }
    }
}

/// An integration's health as Prisma models it (`GREEN` / `YELLOW` retrying / `RED` with a reason), plus the
/// relay's counts.
public struct IntegrationHealth: Sendable, Equatable {
    public enum Status: String, Sendable {
        case green = "GREEN"
        case yellow = "YELLOW"
        case red = "RED"
    }

    public var status: Status
    /// Deliveries stop until the config changes or a test passes.
    public var paused: Bool
    /// Prisma's `reason.errorType` (HTTP_EXCEPTION, INVALID_CONFIG, …).
    public var errorType: String?
    public var message: String?
    public var statusCode: Int?
    public var lastUpdated: Int64?
    public var delivered: Int
    public var failed: Int
    public var lastDeliveryAt: Int64?
    /// Rows waiting to be sent.
    public var queueDepth: Int
    /// When the oldest waiting row was queued.
    public var oldestPendingAt: Int64?
    /// While the destination is down (every recent attempt an outage-like failure): since when, how many failed
    /// rounds in a row, and when the engine next probes it. Nothing else is sent before then.
    public var downSince: Int64?
    public var failureStreak: Int
    public var probeAt: Int64?
    /// Dead letters not yet retried or discarded; any keeps the status at least YELLOW.
    public var deadLetters: Int

    public init(
        status: Status = .green, paused: Bool = false, errorType: String? = nil, message: String? = nil, statusCode: Int? = nil,
        lastUpdated: Int64? = nil, delivered: Int = 0, failed: Int = 0, lastDeliveryAt: Int64? = nil, queueDepth: Int = 0,
        oldestPendingAt: Int64? = nil, downSince: Int64? = nil, failureStreak: Int = 0, probeAt: Int64? = nil, deadLetters: Int = 0
    ) {
        self.downSince = downSince
        self.failureStreak = failureStreak
        self.probeAt = probeAt
        self.deadLetters = deadLetters
        self.status = status
        self.paused = paused
        self.errorType = errorType
        self.message = message
        self.statusCode = statusCode
        self.lastUpdated = lastUpdated
        self.delivered = delivered
        self.failed = failed
        self.lastDeliveryAt = lastDeliveryAt
        self.queueDepth = queueDepth
        self.oldestPendingAt = oldestPendingAt
    }

    /// The status in Prisma's terms (`status`, `reason`) plus the relay's counts, as the API and `integration status
    /// --json` answer it.
    public var jsonValue: JSONValue {
        .object([
            "status": .string(status.rawValue), "paused": .bool(paused),
            "reason": message.map { message in
                .object([
                    "errorType": .optional(errorType), "message": .string(message),
                    "details": .object(["statusCode": statusCode.map { .int($0) } ?? .null]),
                    "lastUpdated": lastUpdated.map { .int($0) } ?? .null,
                ])
            } ?? .null,
            "queueDepth": .int(queueDepth), "delivered": .int(delivered), "failed": .int(failed), "deadLetters": .int(deadLetters),
            "lastDeliveryAt": .optional(lastDeliveryAt.map(Timestamp.rfc3339(epochMilliseconds:))),
            "oldestPendingAt": .optional(oldestPendingAt.map(Timestamp.rfc3339(epochMilliseconds:))),
        ])
    }

    /// Prisma's `reason.errorType` for a status a failed Test set.
    public static let testFailed = "TEST_FAILED"

    /// Whether `showDeadLetters` would say them: there are some, and nothing worse is said instead. A store reads the
    /// latest one's reason only then.
    public var deadLettersShown: Bool { deadLetters > 0 && (status == .green || errorType == Self.testFailed) }

    /// A dead letter is never hidden behind a GREEN status, nor behind the YELLOW of a failed Test (a test the
    /// destination refuses most often fails for the cause its dead letters share): either turns YELLOW, saying how
    /// many there are and the latest one's reason. A worse status (down, paused) keeps its own reason, which says
    /// what to fix first.
    public mutating func showDeadLetters(latestReason: String?) {
        guard deadLettersShown else { return }
        status = .yellow
        message =
            "\(deadLetters) event\(deadLetters == 1 ? " is" : "s are") in the dead letters "
            + "(latest: \(latestReason ?? "no reason recorded")): fix the cause, then retry or discard them"
    }
}
