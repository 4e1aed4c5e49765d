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
    /// How due events are cut into requests: the sizes of consecutive batches, each at most `maxBatch` (by
    /// default, simply `maxBatch` at a time; a destination with a byte limit cuts sooner).
    func split(_ events: [NormalizedEvent]) -> [Int]
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
    public func split(_ events: [NormalizedEvent]) -> [Int] {
        let size = max(1, maxBatch)
        return stride(from: 0, to: events.count, by: size).map { min(size, events.count - $0) }
    }

    /// Cuts `events` where adding the next one would pass `maxBatch` events or `maxBytes` (as `size` measures
    /// each, plus `separator` bytes between); an event larger than `maxBytes` goes alone.
    public func split(_ events: [NormalizedEvent], maxBytes: Int, separator: Int = 0, size: (NormalizedEvent) -> Int) -> [Int] {
        var sizes: [Int] = []
        var count = 0
        var bytes = 0
        for event in events {
            let next = size(event)
            if count > 0, count == maxBatch || bytes + separator + next > maxBytes {
                sizes.append(count)
                count = 0
                bytes = 0
            }
            bytes += (count > 0 ? separator : 0) + next
            count += 1
        }
        if count > 0 { sizes.append(count) }
        return sizes
    }
    /// The common HTTP reading, with the destination's name in the reasons.
    public func classifyHTTP(_ response: DestinationResponse, name: String) -> DeliveryOutcome {
        let detail = String(decoding: response.body.prefix(300), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return DeliveryOutcome.classify(
            status: response.status, retryAfter: RetryPolicy.serverFloor(headers: { response.header($0) }), detail: detail,
            destination: name)
    }
}

import Foundation
