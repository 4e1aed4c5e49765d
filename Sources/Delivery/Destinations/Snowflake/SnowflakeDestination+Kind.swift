import RelayModel

extension SnowflakeDestination {
    /// The validated `integrationConfig`, decoded once.
    public struct Config: Sendable {
        /// The shape events are sent in.
        public var format: EventFormat
        public var pipename: String
        /// The user as `ACCOUNT.USER` (`username`), or as seed 003 names the key (`hostUrl`).
        public var username: String?
        public var hostUrl: String?
        public var privateKey: String
        public var passphrase: String?
        /// Minutes of alerts per staged file.
        public var rollUpMinutes: Int

        public init(_ config: JSONObject) {
            format = EventFormat(integrationConfig: config)
            pipename = config["pipename"]?.stringValue ?? ""
            username = config["username"]?.stringValue
            hostUrl = config["hostUrl"]?.stringValue
            privateKey = config["privateKey"]?.stringValue ?? ""
            passphrase = config["passphrase"]?.stringValue
            rollUpMinutes = config["rollUpInterval"]?.int64Value.map { Int($0) } ?? 60
        }
    }

    /// `snowflake`: files staged through the `aws_s3` integration it names, then loaded with Snowpipe `insertFiles`.
    public static let kind = DestinationKind(
        schema: IntegrationSchema(
            .snowflake, "Snowflake",
            [
                IntegrationField("username", help: "Snowflake user (ACCOUNT.USER)"),
                IntegrationField("hostUrl", help: "Snowflake user, as seed 003 names the key"),
                IntegrationField("pipename", label: "Pipe name", required: true, help: "Snowpipe name, DATABASE.SCHEMA.PIPE"),
                IntegrationField("stagingIntegrationId", required: true, help: "ID of the aws_s3 integration that stages files"),
                IntegrationField("privateKey", required: true, secret: true, help: "The user's private key, PKCS#8 PEM") { text in
                    text.contains("-----BEGIN") && text.contains("PRIVATE KEY-----")
                        ? nil : "must be a PEM private key (-----BEGIN PRIVATE KEY-----…)"
                },
                IntegrationField("passphrase", secret: true, help: "Passphrase of an encrypted private key"),
                IntegrationField(
                    "rollUpInterval", .interval(IntegrationSchema.rollUpIntervals), label: "Roll-up interval", defaultValue: .int(60),
                    help: "Minutes of alerts per file: 15, 30, 60 or 180"),
                IntegrationSchema.heartbeatField, EventFormat.field,
            ], sentTo: ["username", "hostUrl"],
            crossCheck: { config in
                IntegrationSchema.present(config, "username") || IntegrationSchema.present(config, "hostUrl")
                    ? [] : [ConfigError(field: IntegrationSchema.path("username"), "is required: the Snowflake user the key belongs to")]
            }),
        make: { integration, context in
            // Files are staged through the aws_s3 integration the config names.
            let id = integration.config["stagingIntegrationId"]?.stringValue ?? ""
            guard let staging = await context.integration(id), staging.type == .awsS3 else {
                return Unavailable(
                    reason:
                        "stagingIntegrationId \(id) names no aws_s3 integration: add the S3 integration that stages files and give its id")
            }
            return SnowflakeDestination(
                integrationID: integration.id, config: integration.config, staging: staging, aws: context.aws, clock: context.clock)
        })
}
