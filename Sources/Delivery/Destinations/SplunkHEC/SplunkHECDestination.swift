import Foundation
import RelayModel
import RelayStore
import Synchronization

/// `splunk`: HTTP Event Collector. Many events per request as concatenated JSON objects, `Authorization: Splunk
/// <authToken>`, `sourcetype` from `sourceType` (default `_json`), `time` from the alert. HEC's status codes are
/// read as the reference tabulates them; a code 6 names the first bad event: the ones before it were indexed, it
/// is dead-lettered, and the ones after it are sent again.
public struct SplunkHECDestination: HTTPDestination {
    let config: Config
    /// Each event's envelope as last written: fitting and cutting batches need it, then the request takes it, so it is
    /// written once and kept only until its batch's request is made (a round may make many).
    let written = Envelopes()

    final class Envelopes: Sendable {
        private let byEvent = Mutex<[String: [UInt8]]>([:])

        /// The bytes of `event` under `key`, written by `write` the first time.
        func bytes(_ key: String, _ write: () -> [UInt8]) -> [UInt8] {
            if let known = byEvent.withLock({ $0[key] }) { return known }
            let bytes = write()
            byEvent.withLock { $0[key] = bytes }
            return bytes
        }

        /// The bytes under `key`, no longer kept: those written before, or written by `write` now.
        func take(_ key: String, _ write: () -> [UInt8]) -> [UInt8] {
            byEvent.withLock { $0.removeValue(forKey: key) } ?? write()
        }
    }

    public init(config: Config) { self.config = config }

    /// From a validated `integrationConfig`.
    public init(config: JSONObject) { self.init(config: Config(config)) }

    public var maxBatch: Int { 100 }
    /// Splunk Cloud takes about 1 MB per request: a batch is cut before it grows past that.
    public static let maxBatchBytes = 1_000_000

    /// One event always fits a request.
    public func fitted(_ event: NormalizedEvent) -> NormalizedEvent {
        EventFit.fit(event, limit: Self.maxBatchBytes - 1_000) { envelope($0).count }
    }

    public func split(_ due: [QueuedDelivery]) -> [Int] {
        split(due, maxBytes: Self.maxBatchBytes, separator: 1) { envelope($0).count }
    }

    /// One event as HEC takes it: `time` (seconds, millisecond precision), `host`, `source`, `sourcetype`, `event`.
    func envelope(_ event: NormalizedEvent) -> [UInt8] {
        written.bytes(Self.envelopeKey(event)) { writeEnvelope(event) }
    }

    /// An event cut to fit differs from the one stored only in what `truncated` names.
    static func envelopeKey(_ event: NormalizedEvent) -> String { event.id + "\u{1}" + event.truncated.joined(separator: ",") }

    func writeEnvelope(_ event: NormalizedEvent) -> [UInt8] {
        let millis = event.updatedMillis
        let envelope: JSONValue = .object([
            "time": .number(Self.seconds(millis)), "host": .string("prisma-relay"),
            "source": .string("prisma_cloud"), "sourcetype": .string(config.sourceType),
            "event": config.format.render(event),
        ])
        return envelope.jsonBytes()
    }

    /// Milliseconds since the epoch as HEC's `time` takes them: seconds, with three decimals. (Written by hand:
    /// `String(format:)` cost a third of writing the whole envelope.)
    static func seconds(_ millis: Int64) -> String {
        let magnitude = millis.magnitude
        let fraction = String(magnitude % 1000)
        return (millis < 0 ? "-" : "") + String(magnitude / 1000) + "." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }

    /// `…/services/collector/event`, unless the configured URL already names a collector path.
    var endpoint: String? {
        var url = config.url
        guard !url.isEmpty else { return nil }
        if url.contains("/services/collector") { return url }
        while url.hasSuffix("/") { url.removeLast() }
        return url + "/services/collector/event"
    }

    public func request(for batch: [NormalizedEvent]) throws -> DestinationRequest {
        guard let url = endpoint else { throw DestinationError.missing("integrationConfig.url") }
        let token = config.authToken
        // The body is allocated once, at its size: growing it would copy it again and again.
        let envelopes = batch.indices.map { index in written.take(Self.envelopeKey(batch[index])) { writeEnvelope(batch[index]) } }
        var body: [UInt8] = []
        body.reserveCapacity(envelopes.reduce(envelopes.count) { $0 + $1.count })
        for envelope in envelopes {
            if !body.isEmpty { body.append(0x0A) }
            body += envelope
        }
        return DestinationRequest(
            url: url, headers: [("Authorization", "Splunk \(token)"), ("Content-Type", "application/json")], body: body)
    }

    public func classify(_ response: DestinationResponse, batchSize: Int) -> BatchOutcome {
        let json = try? JSONValue.parse(response.body)
        guard let code = json?["code"]?.int64Value else { return .all(classifyHTTP(response, name: "Splunk HEC")) }
        let text = json?["text"]?.stringValue ?? ""
        let detail = "HEC code \(code): \(text)"
        switch code {
        case 0:
            return .all(.delivered)
        case 1, 2, 3, 4:
            return .all(
                .credentialsRefused(
                    reason: "Splunk rejected the HEC token (HTTP \(response.status), \(detail)): check authToken",
                    statusCode: response.status))
        case 6:
            let bad = json?["invalid-event-number"]?.int64Value.map { Int($0) } ?? 0
            guard (0..<batchSize).contains(bad) else {
                return .all(.rejected(reason: "Splunk could not read the batch (\(detail))", statusCode: response.status))
            }
            return .each(
                Array(repeating: .delivered, count: bad)
                    + [.rejected(reason: "Splunk rejected this event (\(detail))", statusCode: response.status)]
                    + Array(
                        repeating: .retryLater(
                            reason: "sent again after event \(bad) of its batch was rejected", statusCode: response.status, wait: nil),
                        count: batchSize - bad - 1))
        case 8, 9, 18, 19, 20:
            return .all(
                .retryLater(
                    reason: "Splunk is unavailable (HTTP \(response.status), \(detail))", statusCode: response.status,
                    wait: RetryPolicy.serverFloor(headers: { response.header($0) })))
        default:
            return .all(.rejected(reason: "Splunk rejected the request (HTTP \(response.status), \(detail))", statusCode: response.status))
        }
    }
}
