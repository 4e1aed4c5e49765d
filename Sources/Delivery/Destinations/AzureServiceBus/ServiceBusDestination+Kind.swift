import RelayModel

extension ServiceBusDestination {
    /// The validated `integrationConfig`, decoded once. Without a connection string, the relay's Azure service
    /// principal sends (the `accountId` variant).
    public struct Config: Sendable {
        /// The shape events are sent in.
        public var format: EventFormat
        public var queueUrl: String
        public var connectionString: String?

        public init(_ config: JSONObject) {
            format = EventFormat(integrationConfig: config)
            queueUrl = config["queueUrl"]?.stringValue ?? ""
            connectionString = config["connectionString"]?.stringValue
        }
    }

    /// `azure_service_bus_queue`: one message per event, with a shared access signature or the relay's service principal.
    public static let kind = DestinationKind(
        schema: IntegrationSchema(
            .azureServiceBusQueue, "Azure Service Bus queue",
            [
                IntegrationField(
                    "queueUrl", required: true, help: "Queue URL, e.g. https://mybus.servicebus.windows.net/prisma",
                    check: FieldRule.httpURL),
                IntegrationField("accountId", help: "Onboarded Azure account whose service principal sends"),
                IntegrationField(
                    "connectionString", secret: true,
                    help: "Shared access connection string (Endpoint=sb://…;SharedAccessKeyName=…;SharedAccessKey=…)"
                ) { text in
                    let parts = Set(text.split(separator: ";").compactMap { $0.split(separator: "=", maxSplits: 1).first.map(String.init) })
                    return parts.isSuperset(of: ["Endpoint", "SharedAccessKeyName", "SharedAccessKey"])
                        ? nil : "must hold Endpoint=sb://…;SharedAccessKeyName=…;SharedAccessKey=…"
                },
                IntegrationSchema.heartbeatField, EventFormat.field,
            ], immutableKeys: ["accountId", "connectionString"], sentTo: ["queueUrl"],
            crossCheck: { config in
                switch (IntegrationSchema.present(config, "accountId"), IntegrationSchema.present(config, "connectionString")) {
                case (true, true):
                    [ConfigError(field: IntegrationSchema.path("connectionString"), "give either accountId or connectionString, not both")]
                case (false, false):
                    [
                        ConfigError(
                            field: IntegrationSchema.path("connectionString"),
                            "is required unless accountId names an onboarded Azure account")
                    ]
                default: []
                }
            }),
        make: { integration, context in
            ServiceBusDestination(config: integration.config, azure: context.azure, clock: context.clock)
        })
}
