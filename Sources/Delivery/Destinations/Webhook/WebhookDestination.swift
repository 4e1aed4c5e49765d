import Foundation
import RelayModel

/// `webhook`: a JSON POST per event to `url`, with `authToken` as a bearer token, the configured `headers`, and
/// the event id as `Idempotency-Key` so a receiver can drop the repeats at-least-once delivery may bring. With
/// `isCustomPayloadEnabled`, the body is seed 003's `customPayloads.CS` template with `${…}` filled from the event.
/// With `batchSize` above 1, the body is a JSON array of up to that many events (or rendered payloads), as Prisma's
/// own webhook sends, and the key is a digest of their ids.
public struct WebhookDestination: HTTPDestination {
    let config: Config

    public init(config: Config) { self.config = config }

    /// From a validated `integrationConfig`.
    public init(config: JSONObject) { self.init(config: Config(config)) }

    public var maxBatch: Int { config.batchSize }

    public func request(for batch: [NormalizedEvent]) throws -> DestinationRequest {
        guard let event = batch.first else { throw DestinationError.missing("an event") }
        let url = config.url
        // Prisma's own notification is always an array.
        let asArray = maxBatch > 1 || config.format == .prisma
        let key = asArray ? "batch_" + EventID.digest(batch.map(\.id)) : event.id
        var headers: [(String, String)] = [("Content-Type", "application/json"), ("Idempotency-Key", key)]
        if !config.authToken.isEmpty { headers.append(("Authorization", "Bearer \(config.authToken)")) }
        headers += config.headers
        let template = config.customPayload
        func encode(_ event: NormalizedEvent) -> [UInt8] {
            template.map { Array(CustomPayload.render($0, event: event).utf8) } ?? config.format.render(event).jsonBytes()
        }
        guard asArray else { return DestinationRequest(url: url, headers: headers, body: encode(event)) }
        var body: [UInt8] = [UInt8(ascii: "[")]
        for (index, event) in batch.enumerated() {
            if index > 0 { body.append(UInt8(ascii: ",")) }
            body += encode(event)
        }
        body.append(UInt8(ascii: "]"))
        return DestinationRequest(url: url, headers: headers, body: body)
    }

    public func classify(_ response: DestinationResponse, batchSize: Int) -> BatchOutcome {
        .all(classifyHTTP(response, name: "The webhook"))
    }
}

/// A configuration a destination cannot send with.
public enum DestinationError: Error, CustomStringConvertible {
    case missing(String)
    public var description: String {
        switch self {
        case .missing(let field): "\(field) is missing"
        }
    }
}
