import Foundation
import RelayModel

/// `microsoft_teams`: an Adaptive Card to the channel's webhook URL — a Workflows URL (answers 202) or a legacy
/// connector URL (answers 200 with `1`; other text in a 200 is an error the connector swallowed).
public struct TeamsDestination: HTTPDestination {
    let config: Config

    public init(config: Config) { self.config = config }

    /// From a validated `integrationConfig`.
    public init(config: JSONObject) { self.init(config: Config(config)) }

    public var maxBatch: Int { 1 }

    /// A Teams webhook takes messages of about 28 KB.
    public func fitted(_ event: NormalizedEvent) -> NormalizedEvent { fitting(event, requestLimit: 27_000) }

    public func request(for batch: [NormalizedEvent]) throws -> DestinationRequest {
        guard let event = batch.first else { throw DestinationError.missing("an event") }
        let url = config.url
        let facts = AlertFacts(event)
        var body: [JSONValue] = [
            .object([
                "type": .string("TextBlock"), "text": .string(facts.headline), "weight": .string("Bolder"), "size": .string("Medium"),
                "wrap": .bool(true),
            ]),
            .object([
                "type": .string("FactSet"), "facts": .array(facts.facts.map { .object(["title": .string($0.0), "value": .string($0.1)]) }),
            ]),
        ]
        if let description = event.description, !description.isEmpty {
            body.append(.object(["type": .string("TextBlock"), "text": .string(String(description.prefix(2000))), "wrap": .bool(true)]))
        }
        var card: JSONObject = [
            "$schema": .string("http://adaptivecards.io/schemas/adaptive-card.json"), "type": .string("AdaptiveCard"),
            "version": .string("1.4"), "body": .array(body),
        ]
        if !facts.links.isEmpty {
            card["actions"] = .array(
                facts.links.map { .object(["type": .string("Action.OpenUrl"), "title": .string($0.label), "url": .string($0.url)]) })
        }
        let message: JSONValue = .object([
            "type": .string("message"),
            "attachments": .array([
                .object([
                    "contentType": .string("application/vnd.microsoft.card.adaptive"), "contentUrl": .null, "content": .object(card),
                ])
            ]),
        ])
        return DestinationRequest(url: url, headers: [("Content-Type", "application/json")], body: message.jsonBytes())
    }

    public func classify(_ response: DestinationResponse, batchSize: Int) -> BatchOutcome {
        switch response.status {
        case 202: return .all(.delivered)
        case 200:
            // The legacy connector answers 200 with "1", or with an error text in place of a status.
            let body = String(decoding: response.body.prefix(16), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            return body.isEmpty || body == "1"
                ? .all(.delivered)
                : .all(
                    .rejected(reason: "Teams accepted the request but reported: \(RemoteDetail.text(in: response.body))", statusCode: 200))
        case 401, 403, 404:
            return .all(
                .credentialsRefused(
                    reason: "Teams no longer accepts this webhook (HTTP \(response.status)): create a new Workflows webhook and update url",
                    statusCode: response.status))
        default: return .all(classifyHTTP(response, name: "Microsoft Teams"))
        }
    }
}
