import RelayModel

extension WebhookDestination {
    /// The validated `integrationConfig`, decoded once.
    public struct Config: Sendable {
        /// The shape events are sent in.
        public var format: EventFormat
        public var url: String
        public var authToken: String
        /// Extra headers, in order.
        public var headers: [(String, String)]
        /// The template sent instead of the event (`customPayloads.CS`), when `isCustomPayloadEnabled`.
        public var customPayload: String?
        /// Events per POST; above 1, a JSON array.
        public var batchSize: Int

        public init(_ config: JSONObject) {
            format = EventFormat(integrationConfig: config)
            url = config["url"]?.stringValue ?? ""
            authToken = config["authToken"]?.stringValue ?? ""
            headers = (config["headers"]?.arrayValue ?? []).compactMap { header in
                guard let key = header["key"]?.stringValue, let value = header["value"]?.stringValue else { return nil }
                return (key, value)
            }
            customPayload = config["isCustomPayloadEnabled"]?.boolValue == true ? config["customPayloads"]?["CS"]?.stringValue : nil
            batchSize = max(1, config["batchSize"]?.int64Value.map { Int($0) } ?? 1)
        }
    }

    /// `webhook`: a POST per event (or per batch), as Prisma's webhook integration sends.
    public static let kind = DestinationKind(
        schema: IntegrationSchema(
            .webhook, "Webhook",
            [
                IntegrationField("url", required: true, help: "URL that receives a POST per alert", check: FieldRule.httpURL),
                IntegrationField(
                    "authToken", secret: true,
                    help: "Sent as Authorization: Bearer <token>; leave empty for a receiver that needs none (or set its own header below)"),
                IntegrationField(
                    "headers", .headers, label: "Custom headers",
                    help: "Extra headers sent with every POST; a secure header's value is kept like a secret and never shown again"),
                IntegrationField(
                    "isCustomPayloadEnabled", .bool, label: "Send a custom payload", defaultValue: .bool(false),
                    help: "Send the custom payload instead of the event"),
                IntegrationField(
                    "customPayloads", .customPayloads, label: "Custom payload", help: #"{"CS": "<JSON template with ${…} placeholders>"}"#),
                IntegrationField(
                    "batchSize", .count(1...100), defaultValue: .int(1),
                    help: "Events per POST (relay setting): 1 sends one JSON object; more sends a JSON array of up to that many"),
                IntegrationSchema.heartbeatField, EventFormat.field,
            ], sentTo: ["url"],
            crossCheck: { config in
                config["isCustomPayloadEnabled"]?.boolValue == true && !IntegrationSchema.present(config, "customPayloads")
                    ? [ConfigError(field: IntegrationSchema.path("customPayloads"), "is required when isCustomPayloadEnabled is true")] : []
            }),
        make: { integration, context in
            WebhookDestination(config: integration.config)
        })
}
