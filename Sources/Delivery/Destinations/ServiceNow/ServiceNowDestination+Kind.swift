import RelayModel

extension ServiceNowDestination {
    /// The validated `integrationConfig`, decoded once.
    public struct Config: Sendable {
        public var hostUrl: String
        public var login: String
        public var password: String
        /// The ticked tables (`[{"incident": true}, …]`), in the order given.
        public var tables: [String]
        /// Two-way sync: an incident closed in ServiceNow dismisses its alert.
        public var syncClosed: Bool

        public init(_ config: JSONObject) {
            hostUrl = config["hostUrl"]?.stringValue ?? ""
            login = config["login"]?.stringValue ?? ""
            password = config["password"]?.stringValue ?? ""
            tables = (config["tables"]?.arrayValue ?? []).compactMap { $0.objectValue?.members.first { $0.value.boolValue == true }?.key }
            syncClosed = config["syncClosed"]?.boolValue ?? false
        }
    }

    /// `service_now`: records in the chosen tables, one per alert, updated as it changes.
    public static let kind = DestinationKind(
        schema: IntegrationSchema(
            .serviceNow, "ServiceNow",
            [
                IntegrationField(
                    "hostUrl", required: true, help: "Instance URL, e.g. https://example.service-now.com (cannot change later)",
                    check: FieldRule.httpURL),
                IntegrationField("login", required: true, help: "ServiceNow user"),
                IntegrationField("password", required: true, secret: true, help: "That user's password"),
                IntegrationField("tables", .tables, required: true, help: "Tables to write: incident, sn_si_incident, em_event"),
                IntegrationField("version", help: "ServiceNow release name (optional)"),
                IntegrationField(
                    "syncClosed", .bool, label: "Dismiss alerts whose incident is closed here",
                    help: "Two-way sync (optional): the relay reads the incidents it opened, and one resolved or closed in "
                        + "ServiceNow (state 6 or 7) dismisses its alert in Prisma Cloud"),
            ], immutableKeys: ["hostUrl"], sentTo: ["hostUrl"]),
        make: { integration, context in
            ServiceNowDestination(config: integration.config)
        })
}
