import RelayModel

extension PagerDutyDestination {
    /// The validated `integrationConfig`, decoded once.
    public struct Config: Sendable {
        /// The Events API v2 routing key.
        public var integrationKey: String
        /// The signing secret of the v3 webhook subscription that tells the relay of resolved incidents (two-way
        /// sync); empty when there is none.
        public var webhookSecret: String

        public init(_ config: JSONObject) {
            integrationKey = config["integrationKey"]?.stringValue ?? ""
            webhookSecret = config["webhookSecret"]?.stringValue ?? ""
        }
    }

    /// `pager_duty`: one Events API v2 incident per alert, resolved with it; with `webhookSecret`, an incident resolved
    /// in PagerDuty dismisses its alert (`PagerDutyWebhook`). `PRISMA_RELAY_PAGERDUTY_URL` redirects the enqueue URL.
    public static let kind = DestinationKind(
        schema: IntegrationSchema(
            .pagerDuty, "PagerDuty",
            [
                IntegrationField(
                    "integrationKey", required: true, secret: true, help: "Events API v2 integration (routing) key, 32 characters"
                ) { text in
                    text.count == 32 && text.allSatisfy({ $0.isLetter || $0.isNumber })
                        ? nil : "must be the 32-character Events API v2 integration key"
                },
                IntegrationField("authToken", secret: true, help: "REST API token (optional)"),
                IntegrationField(
                    "webhookSecret", label: "Webhook signing secret", secret: true,
                    help:
                        "Two-way sync (optional): the secret of a PagerDuty v3 webhook subscription that sends incident.resolved to "
                        + "/api/v1/inbound/pagerduty/<integration id>; an incident resolved in PagerDuty dismisses its alert in "
                        + "Prisma Cloud"),
            ]),
        // A test trigger is resolved at once, so no one is paged for it.
        testEvents: { open in
            var resolved = open
            resolved.status = "resolved"
            return [open, resolved]
        },
        make: { integration, context in
            PagerDutyDestination(
                config: integration.config,
                endpoint: context.environment["PRISMA_RELAY_PAGERDUTY_URL"] ?? PagerDutyDestination.defaultEndpoint)
        })
}
