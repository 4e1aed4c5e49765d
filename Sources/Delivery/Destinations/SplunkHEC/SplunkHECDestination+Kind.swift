import RelayModel

extension SplunkHECDestination {
    /// The validated `integrationConfig`, decoded once.
    public struct Config: Sendable {
        /// The shape events are sent in.
        public var format: EventFormat
        /// The collector's base URL, or a full collector path.
        public var url: String
        public var authToken: String
        public var sourceType: String

        public init(_ config: JSONObject) {
            format = EventFormat(integrationConfig: config)
            url = config["url"]?.stringValue ?? ""
            authToken = config["authToken"]?.stringValue ?? ""
            sourceType = config["sourceType"]?.stringValue ?? "_json"
        }
    }

    /// `splunk`: events to the HTTP Event Collector, batched.
    public static let kind = DestinationKind(
        schema: IntegrationSchema(
            .splunk, "Splunk",
            [
                IntegrationField(
                    "url", required: true, help: "HTTP Event Collector URL, e.g. https://splunk.example.com:8088", check: FieldRule.httpURL),
                IntegrationField("authToken", required: true, secret: true, help: "HEC token"),
                IntegrationField("sourceType", defaultValue: .string("_json"), help: "Splunk source type"),
                IntegrationSchema.heartbeatField, EventFormat.field,
            ], sentTo: ["url"]),
        make: { integration, context in
            SplunkHECDestination(config: integration.config)
        })
}
