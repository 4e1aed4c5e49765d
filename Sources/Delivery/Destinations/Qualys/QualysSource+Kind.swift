import RelayModel

extension QualysSource {
    /// The validated `integrationConfig`, decoded once.
    public struct Config: Sendable {
        /// The API server without a scheme, e.g. qualysapi.qualys.com.
        public var baseUrl: String
        public var login: String
        public var password: String

        public init(_ config: JSONObject) {
            baseUrl = config["baseUrl"]?.stringValue ?? ""
            login = config["login"]?.stringValue ?? ""
            password = config["password"]?.stringValue ?? ""
        }
    }

    /// `qualys`: Qualys VMDR — the hosts an alert's addresses are, with their open detections — added to its events
    /// as `enrichment.qualys`. `PRISMA_RELAY_QUALYS_URL` stands in for `https://{baseUrl}`.
    public static let kind = DestinationKind(
        schema: IntegrationSchema(
            .qualys, "Qualys",
            [
                IntegrationField("login", required: true, help: "Qualys user with API access"),
                IntegrationField(
                    "baseUrl", required: true, help: "API server without http(s), e.g. qualysapi.qg2.apps.qualys.com",
                    check: FieldRule.bareHost
                ),
                IntegrationField("password", required: true, secret: true, help: "That user's password"),
            ], sentTo: ["baseUrl"]),
        enrich: { integration, context in
            QualysSource(config: Config(integration.config), base: context.environment["PRISMA_RELAY_QUALYS_URL"], clock: context.clock)
        })
}
