import RelayModel

/// A change of alerts' status in Prisma Cloud, as sent: `POST /alert/dismiss` to dismiss (or, with a
/// `dismissalTimeRange`, to snooze), `POST /alert/reopen` to reopen, each with an `AlertStatusChangeRequestModel`.
public struct AlertStatusChange: Sendable, Equatable {
    public var path: String
    public var body: JSONValue
    /// The action's word and the alerts, for the answer's words.
    public var action: String
    public var alertIDs: [String]

    /// The filter is required; `to_now` from `epoch` leaves no alert out by its time.
    static let everyTime: JSONValue = .object([
        "timeRange": .object(["type": .string("to_now"), "value": .string("epoch")])
    ])

    /// The change for a CSPM alert action; nil for the actions on Compute incidents.
    public init?(_ action: AlertAction, alertIDs: [String]) {
        self.action = action.name
        self.alertIDs = alertIDs
        let alerts = JSONValue.array(alertIDs.map(JSONValue.string))
        switch action {
        case .dismiss(let note):
            path = "/alert/dismiss"
            body = .object(["alerts": alerts, "dismissalNote": .string(note), "filter": Self.everyTime])
        case .snooze(let note, let duration):
            path = "/alert/dismiss"
            body = .object([
                "alerts": alerts, "dismissalNote": .string(note),
                "dismissalTimeRange": .object([
                    "type": .string("relative"),
                    "value": .object(["amount": .int(Int64(duration.amount)), "unit": .string(duration.unit.rawValue)]),
                ]),
                "filter": Self.everyTime,
            ])
        case .reopen:
            path = "/alert/reopen"
            body = .object(["alerts": alerts, "filter": Self.everyTime])
        case .acknowledge, .unacknowledge:
            return nil
        }
    }

    /// Prisma's answer to the change, in words: done; "no longer in the expected state" is done already; a refusal
    /// says what to change.
    public func answer(status: Int, reason: String?) -> ActionAnswer? {
        let alerts = alertIDs.joined(separator: ", ")
        let key = reason.map { " \($0)" } ?? ""
        switch status {
        case 200...299:
            return ActionAnswer(.done, "Prisma Cloud accepted the \(action) of \(alerts)", statusCode: status)
        case 404 where reason?.contains("alert_no_longer_in_expected_state") == true:
            return ActionAnswer(
                .alreadyDone,
                "\(alerts) is already in that state in Prisma Cloud (or changed meanwhile); the next poll brings its status"
                    + " (HTTP 404 alert_no_longer_in_expected_state)", statusCode: status)
        case 403:
            return ActionAnswer(
                .refused,
                "Prisma Cloud refused: the access key's role may not dismiss, snooze or reopen alerts. Give the key a role"
                    + " of System Admin, Account Group Admin or Account and Cloud Provisioning Admin without \"Restrict alert"
                    + " dismissal\", or a permission group with Alerts > Snooze/Dismiss (HTTP 403\(key))", statusCode: status)
        case 400 where reason?.contains("violates_minimum_alert_dismiss_duration_time") == true:
            return ActionAnswer(
                .refused,
                "Prisma Cloud refused: the snooze is shorter than the tenant's minimum; snooze for longer"
                    + " (HTTP 400 violates_minimum_alert_dismiss_duration_time)", statusCode: status)
        case 400 where reason?.contains("missing_required_parameter") == true:
            return ActionAnswer(
                .refused, "Prisma Cloud refused: it found a required field missing (HTTP 400 missing_required_parameter)",
                statusCode: status)
        case 400, 404:
            return ActionAnswer(
                .refused, "Prisma Cloud refused the \(action) of \(alerts) (HTTP \(status)\(key))", statusCode: status)
        default:
            return nil
        }
    }
}
