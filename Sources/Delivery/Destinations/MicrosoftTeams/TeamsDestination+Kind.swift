import RelayModel

extension TeamsDestination {
    /// The validated `integrationConfig`, decoded once.
    public struct Config: Sendable {
        /// The channel's incoming webhook URL.
        public var url: String

        public init(_ config: JSONObject) {
            url = config["url"]?.stringValue ?? ""
        }
    }

    /// `microsoft_teams`: a card per event to the channel's incoming webhook.
    public static let kind = DestinationKind(
        schema: IntegrationSchema(
            .microsoftTeams, "Microsoft Teams",
            [
                IntegrationField("url", required: true, help: "Incoming webhook URL of the channel", check: FieldRule.httpURL)
            ]),
        make: { integration, context in
            TeamsDestination(config: integration.config)
        })
}
