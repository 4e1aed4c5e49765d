/// An integration type by its Prisma `integrationType` name. Which types the relay can configure and send to is
/// the destination registry's to say; the fifteen Prisma Cloud supports are named here.
public struct IntegrationType: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public var rawValue: String

    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// Reads Prisma's spelling, case-insensitively: the v1 API's `service_now`, the legacy model's `SERVICE_NOW`,
    /// and the legacy `OKTA_IDP` for Okta.
    public init(prisma text: String) {
        let lowered = text.lowercased()
        self.init(rawValue: lowered == "okta_idp" ? "okta" : lowered)
    }

    public var description: String { rawValue }

    public static let awsS3 = IntegrationType(rawValue: "aws_s3")
    public static let amazonSQS = IntegrationType(rawValue: "amazon_sqs")
    public static let azureServiceBusQueue = IntegrationType(rawValue: "azure_service_bus_queue")
    public static let demisto = IntegrationType(rawValue: "demisto")
    public static let googleCSCC = IntegrationType(rawValue: "google_cscc")
    public static let microsoftTeams = IntegrationType(rawValue: "microsoft_teams")
    public static let okta = IntegrationType(rawValue: "okta")
    public static let pagerDuty = IntegrationType(rawValue: "pager_duty")
    public static let qualys = IntegrationType(rawValue: "qualys")
    public static let serviceNow = IntegrationType(rawValue: "service_now")
    public static let slack = IntegrationType(rawValue: "slack")
    public static let snowflake = IntegrationType(rawValue: "snowflake")
    public static let splunk = IntegrationType(rawValue: "splunk")
    public static let tenable = IntegrationType(rawValue: "tenable")
    public static let webhook = IntegrationType(rawValue: "webhook")
}
