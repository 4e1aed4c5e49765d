import RelayModel

/// `slack`: an incoming webhook message per event — a readable headline and the alert's facts as blocks, with
/// a plain-text fallback. Slack's plain-text error strings decide: a rate limit or a 5xx is retried, a revoked
/// webhook or archived channel pauses the integration, a refused payload is dead-lettered.
public struct SlackDestination: HTTPDestination {
    let config: Config
    /// Replaces `https://hooks.slack.com` in the webhook URL (tests point it at a local receiver).
    let base: String?

    /// From a validated `integrationConfig`.
    public init(config: JSONObject, base: String? = nil) {
        self.init(config: Config(config), base: base)
    }

    public init(config: Config, base: String? = nil) {
        self.config = config
        self.base = base
    }

    public var maxBatch: Int { 1 }

    /// Slack cuts a message's text at 40,000 characters.
    public func fitted(_ event: NormalizedEvent) -> NormalizedEvent { fitting(event, requestLimit: 40_000) }

    public func request(for batch: [NormalizedEvent]) throws -> DestinationRequest {
        guard let event = batch.first else { throw DestinationError.missing("an event") }
        var url = config.webhookUrl
        if let base, url.hasPrefix("https://hooks.slack.com") { url = base + url.dropFirst("https://hooks.slack.com".count) }
        let facts = AlertFacts(event)
        var blocks: [JSONValue] = [
            .object([
                "type": .string("header"),
                "text": .object(["type": .string("plain_text"), "text": .string(String(facts.headline.prefix(150)))]),
            ]),
            .object([
                "type": .string("section"),
                "fields": .array(
                    facts.facts.prefix(10).map { .object(["type": .string("mrkdwn"), "text": .string("*\($0.0)*\n\($0.1)")]) }),
            ]),
        ]
        if let description = event.description, !description.isEmpty {
            blocks.append(
                .object([
                    "type": .string("section"),
                    "text": .object(["type": .string("mrkdwn"), "text": .string(String(description.prefix(2900)))]),
                ]))
        }
        if !facts.links.isEmpty {
            let text = facts.links.map { "<\($0.url)|\($0.label)>" }.joined(separator: "  ·  ")
            blocks.append(
                .object(["type": .string("context"), "elements": .array([.object(["type": .string("mrkdwn"), "text": .string(text)])])]))
        }
        let body: JSONValue = .object(["text": .string(facts.headline), "blocks": .array(blocks)])
        return DestinationRequest(url: url, headers: [("Content-Type", "application/json")], body: body.jsonBytes())
    }

    public func classify(_ response: DestinationResponse, batchSize: Int) -> BatchOutcome {
        let text = RemoteDetail.text(in: response.body)
        switch (response.status, text) {
        case (200, _): return .all(.delivered)
        case (403, _), (404, _), (410, _):
            // The webhook was revoked, or its channel removed or archived: every message would fail the same way.
            return .all(
                .credentialsRefused(
                    reason:
                        "Slack refused the webhook (HTTP \(response.status) \(text)): create a new incoming webhook and update webhookUrl",
                    statusCode: response.status))
        default: return .all(classifyHTTP(response, name: "Slack"))
        }
    }
}
