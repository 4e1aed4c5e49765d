import RelayModel

extension SQSDestination {
    /// The validated `integrationConfig`, decoded once. Keys and role are used only with `moreInfo`; otherwise the
    /// relay's own AWS identity sends.
    public struct Config: Sendable {
        /// The shape events are sent in.
        public var format: EventFormat
        public var queueUrl: String
        public var accessKey: String?
        public var secretKey: String?
        public var roleArn: String?
        public var externalId: String?

        public init(_ config: JSONObject) {
            format = EventFormat(integrationConfig: config)
            queueUrl = config["queueUrl"]?.stringValue ?? ""
            let explicit = config["moreInfo"]?.boolValue == true
            func value(_ key: String) -> String? { explicit ? config[key]?.stringValue : nil }
            accessKey = value("accessKey")
            secretKey = value("secretKey")
            roleArn = value("roleArn")
            externalId = value("externalId")
        }
    }

    /// `amazon_sqs`: one message per event, signed with SigV4.
    public static let kind = DestinationKind(
        schema: IntegrationSchema(
            .amazonSQS, "Amazon SQS",
            [
                IntegrationField(
                    "queueUrl", required: true, help: "Queue URL, e.g. https://sqs.us-east-1.amazonaws.com/123456789012/prisma",
                    check: FieldRule.httpURL),
                IntegrationField(
                    "moreInfo", .bool, label: "Use specific IAM credentials or a role", defaultValue: .bool(false),
                    help: "true when specific IAM credentials or a role are given"),
                IntegrationField("accessKey", secret: true, help: "IAM access key for the queue"),
                IntegrationField("secretKey", secret: true, help: "Secret key of that access key"),
                IntegrationField("roleArn", help: "IAM role to assume for the queue", check: FieldRule.roleARN),
                IntegrationField("externalId", help: "External ID of that role (a UUID)", check: FieldRule.uuid),
                IntegrationSchema.heartbeatField, EventFormat.field,
            ], sentTo: ["queueUrl"],
            crossCheck: { config in
                var errors: [ConfigError] = []
                let keys = IntegrationSchema.present(config, "accessKey") || IntegrationSchema.present(config, "secretKey")
                let role = IntegrationSchema.present(config, "roleArn") || IntegrationSchema.present(config, "externalId")
                for (a, b) in [("accessKey", "secretKey"), ("roleArn", "externalId")]
                where IntegrationSchema.present(config, a) != IntegrationSchema.present(config, b) {
                    errors.append(
                        ConfigError(
                            field: IntegrationSchema.path(IntegrationSchema.present(config, a) ? b : a),
                            "is required together with \(IntegrationSchema.present(config, a) ? a : b)"))
                }
                if keys && role {
                    errors.append(
                        ConfigError(
                            field: IntegrationSchema.path("roleArn"),
                            "give either accessKey and secretKey, or roleArn and externalId, not both"))
                }
                if config["moreInfo"]?.boolValue == true && !keys && !role {
                    errors.append(
                        ConfigError(
                            field: IntegrationSchema.path("moreInfo"), "is true, so give accessKey and secretKey, or roleArn and externalId"
                        ))
                }
                if config["moreInfo"]?.boolValue != true && (keys || role) {
                    errors.append(
                        ConfigError(
                            field: IntegrationSchema.path("moreInfo"),
                            "must be true when accessKey/secretKey or roleArn/externalId are given"))
                }
                return errors
            }),
        make: { integration, context in
            SQSDestination(config: integration.config, aws: context.aws)
        })
}
