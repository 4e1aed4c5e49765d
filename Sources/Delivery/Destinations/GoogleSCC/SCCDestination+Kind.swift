import RelayModel

extension SCCDestination {
    /// The validated `integrationConfig`, decoded once.
    public struct Config: Sendable {
        public var orgId: String
        /// A source id, or a full `organizations/…/sources/…` name.
        public var sourceId: String

        public init(_ config: JSONObject) {
            orgId = config["orgId"]?.stringValue ?? ""
            sourceId = config["sourceId"]?.stringValue ?? ""
        }
    }

    /// `google_cscc`: one SCC finding per alert, with the relay's service account. `PRISMA_RELAY_GOOGLE_SCC_URL` redirects the API.
    public static let kind = DestinationKind(
        schema: IntegrationSchema(
            .googleCSCC, "Google Cloud SCC",
            [
                IntegrationField("orgId", label: "Organization ID", required: true, help: "GCP organization ID (digits)") { text in
                    text.allSatisfy(\.isNumber) ? nil : "must be the numeric organization ID"
                },
                IntegrationField("sourceId", required: true, help: "SCC source ID, e.g. organizations/123/sources/456 or 456"),
            ]),
        make: { integration, context in
            SCCDestination(
                config: integration.config, google: context.google,
                base: context.environment["PRISMA_RELAY_GOOGLE_SCC_URL"] ?? SCCDestination.defaultBase)
        })
}
