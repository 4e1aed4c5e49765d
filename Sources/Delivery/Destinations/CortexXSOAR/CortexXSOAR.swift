import RelayModel

/// `demisto`: Cortex XSOAR. Configured and validated; sending to it arrives with a later release.
public enum CortexXSOAR {
    public static let kind = DestinationKind(
        schema: IntegrationSchema(
            .demisto, "Cortex XSOAR",
            [
                IntegrationField("hostUrl", required: true, help: "Cortex XSOAR instance URL", check: FieldRule.httpURL),
                IntegrationField("apiKey", required: true, secret: true, help: "API key created for Prisma Cloud in Cortex XSOAR"),
                IntegrationField("apiKeyID", help: "API key ID (Cortex XSOAR 8)"),
                IntegrationField("demistoVersion", defaultValue: .string("6.0"), help: "6.0 or 8.0") { text in
                    ["6.0", "8.0"].contains(text) ? nil : "must be 6.0 or 8.0"
                },
            ], sentTo: ["hostUrl", "demistoVersion"],
            crossCheck: { config in
                config["demistoVersion"]?.stringValue == "8.0" && !IntegrationSchema.present(config, "apiKeyID")
                    ? [ConfigError(field: IntegrationSchema.path("apiKeyID"), "is required for Cortex XSOAR 8.0")] : []
            }),
        make: nil)
}
