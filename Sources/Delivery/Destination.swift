import RelayModel

/// One HTTP request a destination wants sent.
public struct DestinationRequest: Sendable, Equatable {
    public var method: String
    public var url: String
    public var headers: [(String, String)]
    public var body: [UInt8]

    public init(method: String = "POST", url: String, headers: [(String, String)], body: [UInt8]) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }

    public static func == (a: DestinationRequest, b: DestinationRequest) -> Bool {
        a.method == b.method && a.url == b.url && a.body == b.body
            && a.headers.map { "\($0.0): \($0.1)" } == b.headers.map { "\($0.0): \($0.1)" }
    }
}

/// What a destination answered.
public struct DestinationResponse: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(String, String)], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The first value of a header, case-insensitively.
    public func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
}

/// A kind of destination: it builds the exact request for a batch of events and reads the answer. Batching,
/// retries, backoff, pausing and dead letters are the engine's, never a destination's.
public protocol Destination: Sendable {
    /// The most events one request carries (1: a request per event).
    var maxBatch: Int { get }
    /// The request that delivers `batch` (never empty, at most `maxBatch`, never two events of one alert).
    func request(for batch: [NormalizedEvent]) throws -> DestinationRequest
    /// What the answer means for the batch.
    func classify(_ response: DestinationResponse, batchSize: Int) -> BatchOutcome
}

/// What an answer means for a batch.
public enum BatchOutcome: Sendable, Equatable {
    /// The same outcome for every event.
    case all(DeliveryOutcome)
    /// One outcome per event, in batch order (Splunk's code 6, SQS per-entry failures).
    case each([DeliveryOutcome])
}

extension Destination {
    /// The common HTTP reading, with the destination's name in the reasons.
    public func classifyHTTP(_ response: DestinationResponse, name: String) -> DeliveryOutcome {
        let detail = String(decoding: response.body.prefix(300), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return DeliveryOutcome.classify(
            status: response.status, retryAfter: RetryPolicy.serverFloor(headers: { response.header($0) }), detail: detail,
            destination: name)
    }
}

import Foundation
