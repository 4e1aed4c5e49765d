import RelayModel

extension WebhookDestination {
    /// `webhook`: a POST per event (or per batch), as Prisma's webhook integration sends.
    public static let kind = DestinationKind(
        schema: IntegrationSchema(
            .webhook, "Webhook",
            [
                IntegrationField("url", required: true, help: "URL that receives a POST per alert", check: FieldRule.httpURL),
                IntegrationField("authToken", required: true, secret: true, help: "Sent as a bearer token"),
                IntegrationField("headers", .headers, help: "Extra headers: [{key, value, secure, readOnly}]"),
                IntegrationField(
                    "isCustomPayloadEnabled", .bool, defaultValue: .bool(false), help: "Send the custom payload instead of the event"),
                IntegrationField("customPayloads", .customPayloads, help: #"{"CS": "<JSON template with ${…} placeholders>"}"#),
                IntegrationField(
                    "batchSize", .count(1...100), defaultValue: .int(1),
                    help: "Events per POST (relay setting): 1 sends one JSON object; more sends a JSON array of up to that many"),
            ], sentTo: ["url"],
            crossCheck: { config in
                config["isCustomPayloadEnabled"]?.boolValue == true && !IntegrationSchema.present(config, "customPayloads")
                    ? [ConfigError(field: IntegrationSchema.path("customPayloads"), "is required when isCustomPayloadEnabled is true")] : []
            }),
        make: { integration, context in
            WebhookDestination(config: integration.config)
        })
}
