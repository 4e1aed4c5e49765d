import RelayModel

extension SplunkHECDestination {
    /// `splunk`: events to the HTTP Event Collector, batched.
    public static let kind = DestinationKind(
        schema: IntegrationSchema(
            .splunk, "Splunk",
            [
                IntegrationField(
                    "url", required: true, help: "HTTP Event Collector URL, e.g. https://splunk.example.com:8088", check: FieldRule.httpURL),
                IntegrationField("authToken", required: true, secret: true, help: "HEC token"),
                IntegrationField("sourceType", defaultValue: .string("_json"), help: "Splunk source type"),
            ], sentTo: ["url"]),
        make: { integration, context in
            SplunkHECDestination(config: integration.config)
        })
}
