import RelayModel

/// `qualys`: Qualys as enrichment. Configured and validated; it does nothing yet.
public enum Qualys {
    public static let kind = DestinationKind(
        schema: IntegrationSchema(
            .qualys, "Qualys",
            [
                IntegrationField("login", required: true, help: "Qualys login"),
                IntegrationField(
                    "baseUrl", required: true, help: "API server without http(s), e.g. qualysapi.qualys.com", check: FieldRule.bareHost),
                IntegrationField("password", required: true, secret: true, help: "Qualys password"),
            ], sentTo: ["baseUrl"]),
        make: nil)
}
