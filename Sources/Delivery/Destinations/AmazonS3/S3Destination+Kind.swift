import RelayModel

extension S3Destination {
    /// The validated `integrationConfig`, decoded once.
    public struct Config: Sendable {
        /// The shape events are sent in.
        public var format: EventFormat
        /// `s3://bucket/prefix/`.
        public var s3Uri: String
        public var region: String?
        public var roleArn: String?
        public var externalId: String?
        /// Minutes of alerts per object.
        public var rollUpMinutes: Int

        public init(_ config: JSONObject) {
            format = EventFormat(integrationConfig: config)
            s3Uri = config["s3Uri"]?.stringValue ?? ""
            region = config["region"]?.stringValue
            roleArn = config["roleArn"]?.stringValue
            externalId = config["externalId"]?.stringValue
            rollUpMinutes = config["rollUpInterval"]?.int64Value.map { Int($0) } ?? 60
        }
    }

    /// `aws_s3`: alerts rolled up into one object per window, written with the relay's AWS identity under the assumed role.
    public static let kind = DestinationKind(
        schema: IntegrationSchema(
            .awsS3, "Amazon S3",
            [
                IntegrationField("s3Uri", required: true, help: "Bucket URI, e.g. s3://security-alerts/prisma/") { text in
                    text.hasPrefix("s3://") && text.count > 5 ? nil : "must be an S3 URI such as s3://bucket/prefix/"
                },
                IntegrationField("region", required: true, help: "AWS region of the bucket", check: FieldRule.awsRegion),
                IntegrationField("roleArn", required: true, help: "IAM role the relay assumes to write", check: FieldRule.roleARN),
                IntegrationField("externalId", required: true, help: "External ID of that role (a UUID)", check: FieldRule.uuid),
                IntegrationField(
                    "rollUpInterval", .interval(IntegrationSchema.rollUpIntervals), label: "Roll-up interval", defaultValue: .int(60),
                    help: "Minutes of alerts per object: 15, 30, 60 or 180"),
                IntegrationSchema.heartbeatField, EventFormat.field,
            ]),
        make: { integration, context in
            S3Destination(integrationID: integration.id, config: integration.config, aws: context.aws)
        })
}
