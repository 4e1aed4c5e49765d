/// The 15 integration types Prisma Cloud supports, by their `integrationType` names.
public enum IntegrationType: String, Sendable, Codable, CaseIterable {
    case awsS3 = "aws_s3"
    case amazonSQS = "amazon_sqs"
    case azureServiceBusQueue = "azure_service_bus_queue"
    case demisto
    case googleCSCC = "google_cscc"
    case microsoftTeams = "microsoft_teams"
    case okta
    case pagerDuty = "pager_duty"
    case qualys
    case serviceNow = "service_now"
    case slack
    case snowflake
    case splunk
    case tenable
    case webhook

    /// Reads Prisma's spelling, case-insensitively: the v1 API's `service_now`, the legacy model's `SERVICE_NOW`,
    /// and the legacy `OKTA_IDP` for Okta.
    public init?(prisma text: String) {
        let lowered = text.lowercased()
        if lowered == "okta_idp" {
            self = .okta
            return
        }
        self.init(rawValue: lowered)
    }

    /// The name people know the destination by.
    public var displayName: String {
        switch self {
        case .awsS3: "Amazon S3"
        case .amazonSQS: "Amazon SQS"
        case .azureServiceBusQueue: "Azure Service Bus queue"
        case .demisto: "Cortex XSOAR"
        case .googleCSCC: "Google Cloud SCC"
        case .microsoftTeams: "Microsoft Teams"
        case .okta: "Okta"
        case .pagerDuty: "PagerDuty"
        case .qualys: "Qualys"
        case .serviceNow: "ServiceNow"
        case .slack: "Slack"
        case .snowflake: "Snowflake"
        case .splunk: "Splunk"
        case .tenable: "Tenable"
        case .webhook: "Webhook"
        }
    }
}
