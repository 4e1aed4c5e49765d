import RelayModel

/// `okta`: Okta as enrichment. Configured and validated; it does nothing yet.
public enum Okta {
    public static let kind = DestinationKind(
        schema: IntegrationSchema(
            .okta, "Okta",
            [
                IntegrationField("domain", required: true, help: "Okta domain, e.g. example.okta.com", check: FieldRule.bareHost),
                IntegrationField("apiToken", required: true, secret: true, help: "Read-Only Admin API token"),
            ], sentTo: ["domain"]),
        make: nil)
}
