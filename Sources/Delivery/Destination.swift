import Foundation
import NIOHTTP1
import RelayHTTP
import RelayModel
import RelayStore

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

/// Where an integration's events go. The engine hands it batches of due events and records the outcome; batching
/// limits, retries, backoff, pausing and dead letters are the engine's, never a destination's.
public protocol Destination: Sendable {
    /// The most events one delivery carries (1: one event at a time).
    var maxBatch: Int { get }
    /// How due events are cut into deliveries: the sizes of consecutive batches, each at most `maxBatch` (by
    /// default, simply `maxBatch` at a time; a destination with a byte limit cuts sooner).
    func split(_ due: [QueuedDelivery]) -> [Int]
    /// Delivers `batch` (never empty, at most `maxBatch`, never two events of one alert) and says what became of it.
    func deliver(_ batch: [QueuedDelivery], over http: HTTPExchange) async -> BatchOutcome
    /// `event` made to fit what the destination accepts (by default, as it is): a destination with a size limit
    /// cuts the least useful parts first and says so (`EventFit`), so an oversized alert is delivered, not refused.
    func fitted(_ event: NormalizedEvent) -> NormalizedEvent
    /// Delivers "Test"'s event now (by default as any other batch; a roll-up destination writes it at once).
    func deliverTest(_ item: QueuedDelivery, over http: HTTPExchange) async -> BatchOutcome
    /// Whether the integration tells the relay of changes made there (two-way sync: PagerDuty's webhook, a record
    /// read back closed), so that some of what it would be sent is its own news coming back (by default, no).
    var syncsBack: Bool { get }
}

/// A destination that delivers a batch with one HTTP request: it builds the exact request and reads the answer.
public protocol HTTPDestination: Destination {
    /// The request that delivers `batch`.
    func request(for batch: [NormalizedEvent]) throws -> DestinationRequest
    /// The request that delivers these queued rows (by default, `request(for:)` of their events; a destination that
    /// needs what the queue knows of them — PagerDuty's key for an incident opened before keys named their
    /// connector — reads it here).
    func request(forQueued batch: [QueuedDelivery]) throws -> DestinationRequest
    /// What the answer means for the batch.
    func classify(_ response: DestinationResponse, batchSize: Int) -> BatchOutcome
}

extension HTTPDestination {
    public func request(forQueued batch: [QueuedDelivery]) throws -> DestinationRequest { try request(for: batch.map(\.event)) }

    /// `event` cut until the request that carries it alone is at most `limit` bytes.
    public func fitting(_ event: NormalizedEvent, requestLimit limit: Int) -> NormalizedEvent {
        EventFit.fit(event, limit: limit) { (try? request(for: [$0]).body.count) ?? 0 }
    }

    public func deliver(_ batch: [QueuedDelivery], over http: HTTPExchange) async -> BatchOutcome {
        let request: DestinationRequest
        do {
            request = try self.request(forQueued: batch)
        } catch {
            return .all(.rejected(reason: "the request could not be built: \(error)", statusCode: nil))
        }
        switch await http.send(request) {
        case .success(let response): return classify(response, batchSize: batch.count)
        case .failure(let failure): return .all(failure.outcome)
        }
    }
}

/// A request that got no answer.
public struct SendFailure: Error, CustomStringConvertible {
    public var url: String
    public var error: any Error
    /// Network failures are temporary; a request the outbound policy refuses pauses the integration until its
    /// config (or the policy) changes.
    public var outcome: DeliveryOutcome {
        if let refusal = error as? OutboundRefusal { return .credentialsRefused(reason: refusal.description, statusCode: 0) }
        return .retryLater(reason: description, statusCode: nil, wait: nil)
    }

    /// The failure as a sentence naming the host and port, its cause and the fix. A Test does not say whether a port
    /// refused or ignored it, so that Test cannot map which addresses and ports answer.
    public var description: String {
        if let refusal = error as? OutboundRefusal { return refusal.description }
        let failure = NetworkFailure.classify(error)
        // What a proxy did is about the proxy, which the operator chose: said as it is.
        if case .proxy = failure {
        } else if RemoteDetail.isTesting && NetworkFailure.isConnectionFailure(error) {
            return ErrorSentence(
                "No connection could be made to the address and port of \(URLRedaction.redact(url)): check the integration's URL and that the host is reachable from this machine"
            ).description
        }
        return Explain.transport(failure, url: url, check: "check the integration's URL").description
    }
}

extension HTTPExchange {
    /// Sends a destination's request and collects the answer.
    public func send(_ request: DestinationRequest) async -> Result<DestinationResponse, SendFailure> {
        do {
            let answer = try await send(
                HTTPMethod(rawValue: request.method), request.url, headers: request.headers, body: request.body, contentType: nil)
            return .success(
                DestinationResponse(status: answer.status, headers: answer.headers.map { ($0.name, $0.value) }, body: answer.body))
        } catch {
            return .failure(SendFailure(url: request.url, error: error))
        }
    }
}

/// What an answer means for a batch.
public enum BatchOutcome: Sendable, Equatable {
    /// The same outcome for every event.
    case all(DeliveryOutcome)
    /// One outcome per event, in batch order (Splunk's code 6, SQS per-entry failures).
    case each([DeliveryOutcome])
}

extension Destination {
    public var syncsBack: Bool { false }

    public func fitted(_ event: NormalizedEvent) -> NormalizedEvent { event }

    public func deliverTest(_ item: QueuedDelivery, over http: HTTPExchange) async -> BatchOutcome {
        await deliver([item], over: http)
    }

    public func split(_ due: [QueuedDelivery]) -> [Int] {
        let size = max(1, maxBatch)
        return stride(from: 0, to: due.count, by: size).map { min(size, due.count - $0) }
    }

    /// Cuts `events` where adding the next one would pass `maxBatch` events or `maxBytes` (as `size` measures
    /// each, plus `separator` bytes between); an event larger than `maxBytes` goes alone.
    public func split(_ due: [QueuedDelivery], maxBytes: Int, separator: Int = 0, size: (NormalizedEvent) -> Int) -> [Int] {
        var sizes: [Int] = []
        var count = 0
        var bytes = 0
        // Rows are read in place: a row is a large value.
        for index in due.indices {
            let next = size(due[index].event)
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
        DeliveryOutcome.classify(
            status: response.status, retryAfter: RetryPolicy.serverFloor(headers: { response.header($0) }),
            detail: RemoteDetail.text(in: response.body), destination: name, location: response.header("Location"))
    }
}

/// A destination that cannot send as configured: every batch pauses the integration with the reason.
struct Unavailable: Destination {
    let reason: String
    var maxBatch: Int { 100 }
    func deliver(_ batch: [QueuedDelivery], over http: HTTPExchange) async -> BatchOutcome {
        .all(.credentialsRefused(reason: reason, statusCode: 0))
    }
}
