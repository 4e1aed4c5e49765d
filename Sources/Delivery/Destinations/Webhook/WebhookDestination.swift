import Foundation
import RelayModel

/// `webhook`: a JSON POST per event to `url`, with `authToken` as a bearer token, the configured `headers`, and
/// the event id as `Idempotency-Key` so a receiver can drop the repeats at-least-once delivery may bring. With
/// `isCustomPayloadEnabled`, the body is seed 003's `customPayloads.CS` template with `${…}` filled from the event.
public struct WebhookDestination: Destination {
    let config: JSONObject

    public init(config: JSONObject) { self.config = config }

    public var maxBatch: Int { 1 }

    public func request(for batch: [NormalizedEvent]) throws -> DestinationRequest {
        guard let event = batch.first else { throw DestinationError.missing("an event") }
        guard let url = config["url"]?.stringValue else { throw DestinationError.missing("integrationConfig.url") }
        var headers: [(String, String)] = [("Content-Type", "application/json"), ("Idempotency-Key", event.id)]
        if let token = config["authToken"]?.stringValue, !token.isEmpty { headers.append(("Authorization", "Bearer \(token)")) }
        for header in config["headers"]?.arrayValue ?? [] {
            if let key = header["key"]?.stringValue, let value = header["value"]?.stringValue { headers.append((key, value)) }
        }
        let body: [UInt8]
        if config["isCustomPayloadEnabled"]?.boolValue == true, let template = config["customPayloads"]?["CS"]?.stringValue {
            body = Array(CustomPayload.render(template, event: event).utf8)
        } else {
            body = event.jsonValue.jsonBytes()
        }
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
