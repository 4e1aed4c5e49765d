import RelayHTTP
import RelayModel

/// One thing a source looks up: `user:alice@example.com`, `ip:10.0.0.5`, `instance:i-0abc…`, `dns:host.example.com`.
public struct EnrichmentKey: Hashable, Sendable, CustomStringConvertible {
    public var kind: String
    public var value: String

    public init(_ kind: String, _ value: String) {
        self.kind = kind
        self.value = value
    }

    public var description: String { "\(kind):\(value)" }
}

/// An integration of type `okta`, `qualys` or `tenable`: Prisma Cloud pulls from these, and so does the relay —
/// before an event is delivered, what the source knows of the event's identities or hosts is added under
/// `enrichment.<type>`. A source is built once per configuration and kept, so the rate limits it learns last.
public protocol EnrichmentSource: Sendable {
    /// What it looks up for an event's subjects (none: the event is not its business).
    func keys(for subjects: EnrichmentSubjects) -> [EnrichmentKey]
    /// What it knows of `key`, or nil when it knows nothing of it; throws `EnrichmentFailure`.
    func lookup(_ key: EnrichmentKey, over http: HTTPExchange) async throws -> JSONValue?
    /// The event's `enrichment.<type>` from what was found for its keys.
    func section(_ found: [JSONValue]) -> JSONObject
    /// A read-only call that proves the address and the credentials ("Test").
    func probe(over http: HTTPExchange) async -> DeliveryOutcome
}

/// Why a lookup failed.
public struct EnrichmentFailure: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable { case unavailable, rateLimited, refused }
    public var kind: Kind
    public var reason: String
    /// When to ask again, epoch milliseconds (a rate limit's reset).
    public var retryAt: Int64?
    /// The source's HTTP status, when it answered.
    public var statusCode: Int?

    public init(_ kind: Kind, _ reason: String, retryAt: Int64? = nil, statusCode: Int? = nil) {
        self.kind = kind
        self.reason = reason
        self.retryAt = retryAt
        self.statusCode = statusCode
    }

    public var description: String { reason }

    /// A request that got no answer.
    public static func unreachable(_ failure: SendFailure) -> EnrichmentFailure {
        if failure.error is OutboundRefusal { return EnrichmentFailure(.refused, failure.description) }
        return EnrichmentFailure(.unavailable, failure.description)
    }
}

extension EnrichmentSource {
    /// "Test"'s outcome for a read-only `call`: delivered when it answered, or what its failure means.
    public func probing(_ call: () async throws -> Void) async -> DeliveryOutcome {
        do {
            try await call()
            return .delivered
        } catch let failure as EnrichmentFailure {
            return failure.outcome
        } catch {
            return .retryLater(reason: "\(error)", statusCode: nil, wait: nil)
        }
    }
}

extension EnrichmentFailure {
    /// A probe's outcome for this failure.
    var outcome: DeliveryOutcome {
        switch kind {
        case .refused: .credentialsRefused(reason: reason, statusCode: statusCode ?? 0)
        case .rateLimited, .unavailable: .retryLater(reason: reason, statusCode: statusCode, wait: nil)
        }
    }
}
