import RelayModel

extension OktaSource {
    /// The validated `integrationConfig`, decoded once.
    public struct Config: Sendable {
        public var domain: String
        public var apiToken: String

        public init(_ config: JSONObject) {
            domain = config["domain"]?.stringValue ?? ""
            apiToken = config["apiToken"]?.stringValue ?? ""
        }
    }

    /// `okta`: the users an alert names — status, last login, MFA factors, admin roles, groups — added to its events
    /// as `enrichment.okta`. `PRISMA_RELAY_OKTA_URL` stands in for `https://{domain}`.
    public static let kind = DestinationKind(
        schema: IntegrationSchema(
            .okta, "Okta",
            [
                IntegrationField("domain", required: true, help: "Okta org domain, e.g. example.okta.com") { text in
                    if let problem = FieldRule.bareHost(text) { return problem }
                    return text.contains("-admin.") ? "give the org's domain without -admin, e.g. example.okta.com" : nil
                },
                IntegrationField("apiToken", required: true, secret: true, help: "API token (SSWS) of a Read-Only Administrator"),
            ], sentTo: ["domain"]),
        enrich: { integration, context in
            OktaSource(config: Config(integration.config), base: context.environment["PRISMA_RELAY_OKTA_URL"], clock: context.clock)
        })
}
