import Delivery
import Logging
import RelayModel
import RelayStore

/// Two-way sync: what a destination says about the incidents the relay opened comes back to Prisma Cloud as an
/// action, recorded with the destination as its origin, so that the alert's new version is not sent back to it as news.
extension ActionService {
    /// The answer to a destination's call: an HTTP status and what it means.
    public struct InboundAnswer: Sendable, Equatable {
        public var status: Int
        public var message: String
    }

    /// `POST /api/v1/inbound/pagerduty/{integration}`: a PagerDuty v3 webhook. Refused (401, nothing changed) unless
    /// signed with the integration's `webhookSecret`; `incident.resolved` of an incident the relay opened dismisses its
    /// alert with a note naming who resolved it; anything else is acknowledged and ignored, so PagerDuty does not
    /// send it again.
    public func pagerDutyWebhook(integrationID: String, body: [UInt8], signatures: String?) async throws -> InboundAnswer {
        guard let integration = try await app.store.integration(id: integrationID), integration.type == .pagerDuty,
            let secret = integration.config["webhookSecret"]?.stringValue, !secret.isEmpty
        else {
            return InboundAnswer(
                status: 404,
                message: "There is no PagerDuty two-way sync here: give the PagerDuty integration a webhook signing secret "
                    + "(webhookSecret) and send its v3 webhook subscription to /api/v1/inbound/pagerduty/<integration id>.")
        }
        guard PagerDutyWebhook.verify(body: body, signatures: signatures, secret: secret) else {
            app.logger.warning("inbound webhook refused: bad signature", metadata: ["integration": .string(integration.name)])
            return InboundAnswer(
                status: 401,
                message: "The X-PagerDuty-Signature does not match this integration's webhook signing secret; nothing was changed.")
        }
        guard let payload = try? JSONValue.parse(body) else {
            return InboundAnswer(status: 400, message: "The body is not JSON: PagerDuty sends one JSON event per delivery.")
        }
        guard let resolution = PagerDutyWebhook.resolution(in: payload) else {
            return InboundAnswer(status: 200, message: "Nothing to do: only incident.resolved is acted on.")
        }
        let parts = resolution.alertKey.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count >= 2, let alert = parts.last.map(String.init), !alert.isEmpty else {
            return InboundAnswer(status: 200, message: "Nothing to do: \(resolution.alertKey) is not an alert the relay opened.")
        }
        let connector = parts.dropLast().joined(separator: "/")
        let event: NormalizedEvent
        do {
            event = try await latestEvent(nativeID: alert, connector: connector)
        } catch is Refusal {
            return InboundAnswer(status: 200, message: "Nothing to do: no stored alert \(alert) of connector \(connector).")
        }
        guard event.kind == .alert, event.status == "open" else {
            return InboundAnswer(status: 200, message: "Nothing to do: \(alert) is \(event.status) already.")
        }
        let note = "Resolved in PagerDuty by \(resolution.by): incident \(resolution.incident)"
        do {
            let record = try await act(
                on: event, .dismiss(note: String(note.prefix(AlertAction.maxNote))),
                by: "PagerDuty integration \(integration.name): \(resolution.by)", origin: integration.id)
            return InboundAnswer(status: 200, message: "\(record.outcome.rawValue): \(record.detail)")
        } catch let refusal as Refusal {
            app.logger.warning(
                "inbound webhook not acted on", metadata: ["integration": .string(integration.name), "reason": .string("\(refusal)")])
            return InboundAnswer(status: 200, message: "Not acted on: \(refusal)")
        }
    }
}
