/// The schemas of the 15 types, from seed 003 and reference §6.
enum IntegrationSchemas {
    static let rollUpIntervals = [15, 30, 60, 180]

    static let list: [IntegrationSchema] = [
        IntegrationSchema(
            .awsS3,
            [
                IntegrationField("s3Uri", required: true, help: "Bucket URI, e.g. s3://security-alerts/prisma/") { text in
                    text.hasPrefix("s3://") && text.count > 5 ? nil : "must be an S3 URI such as s3://bucket/prefix/"
                },
                IntegrationField("region", required: true, help: "AWS region of the bucket", check: FieldRule.awsRegion),
                IntegrationField("roleArn", required: true, help: "IAM role the relay assumes to write", check: FieldRule.roleARN),
                IntegrationField("externalId", required: true, help: "External ID of that role (a UUID)", check: FieldRule.uuid),
                IntegrationField(
                    "rollUpInterval", .interval(rollUpIntervals), defaultValue: .int(60),
                    help: "Minutes of alerts per object: 15, 30, 60 or 180"),
            ]),
        IntegrationSchema(
            .amazonSQS,
            [
                IntegrationField(
                    "queueUrl", required: true, help: "Queue URL, e.g. https://sqs.us-east-1.amazonaws.com/123456789012/prisma",
                    check: FieldRule.httpURL),
                IntegrationField(
                    "moreInfo", .bool, defaultValue: .bool(false), help: "true when specific IAM credentials or a role are given"),
                IntegrationField("accessKey", secret: true, help: "IAM access key for the queue"),
                IntegrationField("secretKey", secret: true, help: "Secret key of that access key"),
                IntegrationField("roleArn", help: "IAM role to assume for the queue", check: FieldRule.roleARN),
                IntegrationField("externalId", help: "External ID of that role (a UUID)", check: FieldRule.uuid),
            ], sentTo: ["queueUrl"],
            crossCheck: { config in
                var errors: [ConfigError] = []
                let keys = present(config, "accessKey") || present(config, "secretKey")
                let role = present(config, "roleArn") || present(config, "externalId")
                for (a, b) in [("accessKey", "secretKey"), ("roleArn", "externalId")] where present(config, a) != present(config, b) {
                    errors.append(
                        ConfigError(
                            field: configPath(present(config, a) ? b : a), "is required together with \(present(config, a) ? a : b)"))
                }
                if keys && role {
                    errors.append(
                        ConfigError(
                            field: configPath("roleArn"), "give either accessKey and secretKey, or roleArn and externalId, not both"))
                }
                if config["moreInfo"]?.boolValue == true && !keys && !role {
                    errors.append(
                        ConfigError(field: configPath("moreInfo"), "is true, so give accessKey and secretKey, or roleArn and externalId"))
                }
                if config["moreInfo"]?.boolValue != true && (keys || role) {
                    errors.append(
                        ConfigError(field: configPath("moreInfo"), "must be true when accessKey/secretKey or roleArn/externalId are given"))
                }
                return errors
            }),
        IntegrationSchema(
            .azureServiceBusQueue,
            [
                IntegrationField(
                    "queueUrl", required: true, help: "Queue URL, e.g. https://mybus.servicebus.windows.net/prisma",
                    check: FieldRule.httpURL),
                IntegrationField("accountId", help: "Onboarded Azure account whose service principal sends"),
                IntegrationField(
                    "connectionString", secret: true,
                    help: "Shared access connection string (Endpoint=sb://…;SharedAccessKeyName=…;SharedAccessKey=…)"
                ) { text in
                    let parts = Set(text.split(separator: ";").compactMap { $0.split(separator: "=", maxSplits: 1).first.map(String.init) })
                    return parts.isSuperset(of: ["Endpoint", "SharedAccessKeyName", "SharedAccessKey"])
                        ? nil : "must hold Endpoint=sb://…;SharedAccessKeyName=…;SharedAccessKey=…"
                },
            ], immutableKeys: ["accountId", "connectionString"], sentTo: ["queueUrl"],
            crossCheck: { config in
                switch (present(config, "accountId"), present(config, "connectionString")) {
                case (true, true):
                    [ConfigError(field: configPath("connectionString"), "give either accountId or connectionString, not both")]
                case (false, false):
                    [ConfigError(field: configPath("connectionString"), "is required unless accountId names an onboarded Azure account")]
                default: []
                }
            }),
        IntegrationSchema(
            .demisto,
            [
                IntegrationField("hostUrl", required: true, help: "Cortex XSOAR instance URL", check: FieldRule.httpURL),
                IntegrationField("apiKey", required: true, secret: true, help: "API key created for Prisma Cloud in Cortex XSOAR"),
                IntegrationField("apiKeyID", help: "API key ID (Cortex XSOAR 8)"),
                IntegrationField("demistoVersion", defaultValue: .string("6.0"), help: "6.0 or 8.0") { text in
                    ["6.0", "8.0"].contains(text) ? nil : "must be 6.0 or 8.0"
                },
            ], sentTo: ["hostUrl", "demistoVersion"],
            crossCheck: { config in
                config["demistoVersion"]?.stringValue == "8.0" && !present(config, "apiKeyID")
                    ? [ConfigError(field: configPath("apiKeyID"), "is required for Cortex XSOAR 8.0")] : []
            }),
        IntegrationSchema(
            .googleCSCC,
            [
                IntegrationField("orgId", required: true, help: "GCP organization ID (digits)") { text in
                    text.allSatisfy(\.isNumber) ? nil : "must be the numeric organization ID"
                },
                IntegrationField("sourceId", required: true, help: "SCC source ID, e.g. organizations/123/sources/456 or 456"),
            ]),
        IntegrationSchema(
            .microsoftTeams,
            [
                IntegrationField("url", required: true, help: "Incoming webhook URL of the channel", check: FieldRule.httpURL)
            ]),
        IntegrationSchema(
            .okta,
            [
                IntegrationField("domain", required: true, help: "Okta domain, e.g. example.okta.com", check: FieldRule.bareHost),
                IntegrationField("apiToken", required: true, secret: true, help: "Read-Only Admin API token"),
            ], sentTo: ["domain"]),
        IntegrationSchema(
            .pagerDuty,
            [
                IntegrationField(
                    "integrationKey", required: true, secret: true, help: "Events API v2 integration (routing) key, 32 characters"
                ) { text in
                    text.count == 32 && text.allSatisfy({ $0.isLetter || $0.isNumber })
                        ? nil : "must be the 32-character Events API v2 integration key"
                },
                IntegrationField("authToken", secret: true, help: "REST API token (optional)"),
            ]),
        IntegrationSchema(
            .qualys,
            [
                IntegrationField("login", required: true, help: "Qualys login"),
                IntegrationField(
                    "baseUrl", required: true, help: "API server without http(s), e.g. qualysapi.qualys.com", check: FieldRule.bareHost),
                IntegrationField("password", required: true, secret: true, help: "Qualys password"),
            ], sentTo: ["baseUrl"]),
        IntegrationSchema(
            .serviceNow,
            [
                IntegrationField(
                    "hostUrl", required: true, help: "Instance URL, e.g. https://example.service-now.com (cannot change later)",
                    check: FieldRule.httpURL),
                IntegrationField("login", required: true, help: "ServiceNow user"),
                IntegrationField("password", required: true, secret: true, help: "That user's password"),
                IntegrationField("tables", .tables, required: true, help: "Tables to write: incident, sn_si_incident, em_event"),
                IntegrationField("version", help: "ServiceNow release name (optional)"),
            ], immutableKeys: ["hostUrl"], sentTo: ["hostUrl"]),
        IntegrationSchema(
            .slack,
            [
                IntegrationField("webhookUrl", required: true, secret: true, help: "Incoming webhook URL, https://hooks.slack.com/…") {
                    text in
                    text.hasPrefix("https://hooks.slack.com/") && text.count > 24 ? nil : "must start with https://hooks.slack.com/"
                }
            ]),
        IntegrationSchema(
            .snowflake,
            [
                IntegrationField("username", help: "Snowflake user (ACCOUNT.USER)"),
                IntegrationField("hostUrl", help: "Snowflake user, as seed 003 names the key"),
                IntegrationField("pipename", required: true, help: "Snowpipe name, DATABASE.SCHEMA.PIPE"),
                IntegrationField("stagingIntegrationId", required: true, help: "ID of the aws_s3 integration that stages files"),
                IntegrationField("privateKey", required: true, secret: true, help: "The user's private key, PKCS#8 PEM") { text in
                    text.contains("-----BEGIN") && text.contains("PRIVATE KEY-----")
                        ? nil : "must be a PEM private key (-----BEGIN PRIVATE KEY-----…)"
                },
                IntegrationField("passphrase", secret: true, help: "Passphrase of an encrypted private key"),
                IntegrationField(
                    "rollUpInterval", .interval(rollUpIntervals), defaultValue: .int(60),
                    help: "Minutes of alerts per file: 15, 30, 60 or 180"),
            ], sentTo: ["username", "hostUrl"],
            crossCheck: { config in
                present(config, "username") || present(config, "hostUrl")
                    ? [] : [ConfigError(field: configPath("username"), "is required: the Snowflake user the key belongs to")]
            }),
        IntegrationSchema(
            .splunk,
            [
                IntegrationField(
                    "url", required: true, help: "HTTP Event Collector URL, e.g. https://splunk.example.com:8088", check: FieldRule.httpURL),
                IntegrationField("authToken", required: true, secret: true, help: "HEC token"),
                IntegrationField("sourceType", defaultValue: .string("_json"), help: "Splunk source type"),
            ], sentTo: ["url"]),
        IntegrationSchema(
            .tenable,
            [
                IntegrationField("accessKey", required: true, secret: true, help: "Tenable.io access key"),
                IntegrationField("secretKey", required: true, secret: true, help: "Tenable.io secret key"),
            ]),
        IntegrationSchema(
            .webhook,
            [
                IntegrationField("url", required: true, help: "URL that receives a POST per alert", check: FieldRule.httpURL),
                IntegrationField("authToken", required: true, secret: true, help: "Sent as a bearer token"),
                IntegrationField("headers", .headers, help: "Extra headers: [{key, value, secure, readOnly}]"),
                IntegrationField(
                    "isCustomPayloadEnabled", .bool, defaultValue: .bool(false), help: "Send the custom payload instead of the event"),
                IntegrationField("customPayloads", .customPayloads, help: #"{"CS": "<JSON template with ${…} placeholders>"}"#),
                IntegrationField(
                    "batchSize", .count(1...100), defaultValue: .int(1),
                    help: "Events per POST (relay setting): 1 sends one JSON object; more sends a JSON array of up to that many"),
            ], sentTo: ["url"],
            crossCheck: { config in
                config["isCustomPayloadEnabled"]?.boolValue == true && !present(config, "customPayloads")
                    ? [ConfigError(field: configPath("customPayloads"), "is required when isCustomPayloadEnabled is true")] : []
            }),
    ]
}
