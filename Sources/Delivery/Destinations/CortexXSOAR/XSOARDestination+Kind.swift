import RelayModel

extension XSOARDestination {
    /// The validated `integrationConfig`, decoded once.
    public struct Config: Sendable {
        public var hostUrl: String
        public var apiKey: String
        /// The key's id, sent as `x-xdr-auth-id` (Cortex XSOAR 8).
        public var apiKeyID: String
        /// 6 or 8, from `demistoVersion` ("6.0", "8.0").
        public var generation: Int
        /// Two-way sync: an incident closed in XSOAR dismisses its alert.
        public var syncClosed: Bool

        public init(_ config: JSONObject) {
            hostUrl = config["hostUrl"]?.stringValue ?? ""
            apiKey = config["apiKey"]?.stringValue ?? ""
            apiKeyID = config["apiKeyID"]?.stringValue ?? ""
            generation = config["demistoVersion"]?.stringValue == "8.0" ? 8 : 6
            syncClosed = config["syncClosed"]?.boolValue ?? false
        }
    }

    /// `demisto`: one Cortex XSOAR incident per alert for its whole life, created, updated, closed and reopened with
    /// it. `PRISMA_RELAY_XSOAR_API_URL` stands in for XSOAR 8's `https://api-{fqdn}` host.
    public static let kind = DestinationKind(
        schema: IntegrationSchema(
            .demisto, "Cortex XSOAR",
            [
                IntegrationField(
                    "hostUrl", required: true,
                    help: "Cortex XSOAR URL, e.g. https://xsoar.example.com or (8.0) https://tenant.xdr.us.paloaltonetworks.com",
                    check: FieldRule.httpURL),
                IntegrationField("apiKey", required: true, secret: true, help: "API key created for Prisma Cloud in Cortex XSOAR"),
                IntegrationField("apiKeyID", help: "API key ID (Cortex XSOAR 8), the number shown beside the key"),
                IntegrationField("demistoVersion", label: "Cortex XSOAR version", defaultValue: .string("6.0"), help: "6.0 or 8.0") {
                    text in
                    ["6.0", "8.0"].contains(text) ? nil : "must be 6.0 or 8.0"
                },
                IntegrationField(
                    "syncClosed", .bool, label: "Dismiss alerts whose incident is closed here",
                    help: "Two-way sync (optional): the relay reads the incidents it opened, and one an analyst closes in Cortex "
                        + "XSOAR dismisses its alert in Prisma Cloud with the close reason"),
            ], sentTo: ["hostUrl", "demistoVersion"],
            crossCheck: { config in
                config["demistoVersion"]?.stringValue == "8.0" && !IntegrationSchema.present(config, "apiKeyID")
                    ? [ConfigError(field: IntegrationSchema.path("apiKeyID"), "is required for Cortex XSOAR 8.0")] : []
            }),
        readOnlyTest: true,
        make: { integration, context in
            XSOARDestination(
                config: Config(integration.config), integrationID: integration.id,
                apiRedirect: context.environment["PRISMA_RELAY_XSOAR_API_URL"], memory: context.memory, clock: context.clock)
        })
}
