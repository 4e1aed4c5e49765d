import RelayModel

/// `tenable`: Tenable as enrichment. Configured and validated; it does nothing yet.
public enum Tenable {
    public static let kind = DestinationKind(
        schema: IntegrationSchema(
            .tenable, "Tenable",
            [
                IntegrationField("accessKey", required: true, secret: true, help: "Tenable.io access key"),
                IntegrationField("secretKey", required: true, secret: true, help: "Tenable.io secret key"),
            ]),
        make: nil)
}
