import RelayModel

extension SlackDestination {
    /// The validated `integrationConfig`, decoded once.
    public struct Config: Sendable {
        /// The incoming webhook URL: itself the credential.
        public var webhookUrl: String

        public init(_ config: JSONObject) {
            webhookUrl = config["webhookUrl"]?.stringValue ?? ""
        }
    }

    /// `slack`: a message per event to the incoming webhook. `PRISMA_RELAY_SLACK_URL` stands in for https://hooks.slack.com.
    public static let kind = DestinationKind(
        schema: IntegrationSchema(
            .slack, "Slack",
            [
                IntegrationField(
                    "webhookUrl", required: true, secret: true, urlIsSecret: true, help: "Incoming webhook URL, https://hooks.slack.com/…"
                ) {
                    text in
                    text.hasPrefix("https://hooks.slack.com/") && text.count > 24 ? nil : "must start with https://hooks.slack.com/"
                }
            ]),
        make: { integration, context in
            SlackDestination(config: integration.config, base: context.environment["PRISMA_RELAY_SLACK_URL"])
        })
}
