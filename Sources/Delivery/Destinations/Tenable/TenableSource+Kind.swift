import RelayModel

extension TenableSource {
    /// The validated `integrationConfig`, decoded once.
    public struct Config: Sendable {
        public var accessKey: String
        public var secretKey: String

        public init(_ config: JSONObject) {
            accessKey = config["accessKey"]?.stringValue ?? ""
            secretKey = config["secretKey"]?.stringValue ?? ""
        }
    }

    /// `tenable`: Tenable Vulnerability Management (Tenable.io) — the assets an alert's hosts are, with their
    /// vulnerabilities — added to its events as `enrichment.tenable`. `PRISMA_RELAY_TENABLE_URL` stands in for
    /// `https://cloud.tenable.com`.
    public static let kind = DestinationKind(
        schema: IntegrationSchema(
            .tenable, "Tenable",
            [
                IntegrationField("accessKey", required: true, secret: true, help: "Tenable.io access key"),
                IntegrationField("secretKey", required: true, secret: true, help: "Tenable.io secret key"),
            ]),
        enrich: { integration, context in
            TenableSource(config: Config(integration.config), base: context.environment["PRISMA_RELAY_TENABLE_URL"], clock: context.clock)
        })
}
