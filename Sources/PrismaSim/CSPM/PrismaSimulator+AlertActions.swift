import RelayModel

/// The alert actions: `POST /alert/dismiss` (dismiss, or snooze with a `dismissalTimeRange`), `POST /alert/reopen`
/// and the tenant's dismissal-note policy (`GET /alert/dismiss/require_dismissal_note`), with Prisma's refusals.
extension PrismaSimulator {
    /// The shortest snooze the simulated tenant accepts. Prisma's minimum is undocumented; one hour here, which a
    /// relative snooze of whole hours always meets, so only an absolute end time can fall short of it.
    public static let minimumSnoozeMillis: Int64 = 3_600_000

    /// Whether `POST /alert/dismiss` requires a `dismissalNote` (the tenant's setting; off unless set).
    public func setRequiresDismissalNote(_ required: Bool) { requiresDismissalNote = required }

    /// `POST /alert/dismiss` and `POST /alert/reopen`: each named alert changes status now, with the caller as
    /// `dismissedBy`; an alert not in the state the action starts from answers 404
    /// `alert_no_longer_in_expected_state`, and changes nothing.
    public func changeAlertStatus(_ request: SimRequest, reopen: Bool) -> SimResponse {
        count(reopen ? "alert.reopen" : "alert.dismiss")
        let claims: SimJWT.Claims
        switch authenticate(request) {
        case .denied(let response): return finish(response)
        case .valid(let valid): claims = valid
        }
        guard users[claims.user]?.canDismissAlerts == true else { return finish(.redlockError(403, "permission_error")) }
        if let fault = takeFault(reopen ? "alert.reopen" : "alert.dismiss", rateHeaders: []) { return finish(fault) }
        guard let body = try? JSONValue.parse(request.body), body.objectValue != nil else {
            return finish(.redlockError(400, "invalid_parameter_value", subject: "body"))
        }
        guard let filter = body["filter"], filter != .null else {
            return finish(.redlockError(400, "missing_required_parameter", subject: "filter"))
        }
        guard let ids = body["alerts"]?.arrayValue?.compactMap(\.stringValue), !ids.isEmpty else {
            return finish(.redlockError(400, "missing_required_parameter", subject: "alerts"))
        }
        let note = body["dismissalNote"]?.stringValue ?? ""
        if !reopen, requiresDismissalNote, note.isEmpty {
            return finish(.redlockError(400, "missing_required_parameter", subject: "dismissalNote"))
        }
        let time = now()
        var until: Int64?
        if !reopen, let range = body["dismissalTimeRange"], range != .null {
            guard let end = Self.snoozeEnd(range, now: time) else {
                return finish(.redlockError(400, "invalid_parameter_value", subject: "dismissalTimeRange"))
            }
            guard end - time >= Self.minimumSnoozeMillis else {
                return finish(.redlockError(400, "violates_minimum_alert_dismiss_duration_time"))
            }
            until = end
        }
        var indices: [Int] = []
        for id in ids {
            guard let index = alertIndex[id], alerts[index].firstSeen <= time else {
                return finish(.redlockError(400, "invalid_parameter_value", subject: id))
            }
            let status = alerts[index].status
            let expected = reopen ? (status == "dismissed" || status == "snoozed") : (status == "open")
            guard expected else { return finish(.redlockError(404, "alert_no_longer_in_expected_state", subject: id)) }
            indices.append(index)
        }
        let user = claims.user
        for index in indices {
            let at = max(time, alerts[index].lastUpdated + 1)
            if reopen {
                alerts[index].change(to: "open", reason: "USER_REOPENED", at: at, by: user)
                alerts[index].dismissal = nil
            } else {
                alerts[index].change(to: until == nil ? "dismissed" : "snoozed", reason: "USER_DISMISSED", at: at, by: user)
                alerts[index].dismissal = SimAlert.Dismissal(note: note, by: user, until: until)
            }
        }
        return finish(SimResponse(status: 200, headers: [], body: []))
    }

    /// `GET /alert/dismiss/require_dismissal_note`.
    public func dismissalNotePolicy(_ request: SimRequest) -> SimResponse {
        switch authenticate(request) {
        case .denied(let response): return finish(response)
        case .valid: return finish(.json(.object(["requireDismissalNote": .bool(requiresDismissalNote)])))
        }
    }

    /// When a `dismissalTimeRange` ends: `relative` counts from now, `absolute` gives `endTime`.
    static func snoozeEnd(_ range: JSONValue, now: Int64) -> Int64? {
        switch range["type"]?.stringValue {
        case "absolute":
            return range["value"]?["endTime"]?.int64Value
        case "relative":
            let hours: [String: Int64] = ["hour": 1, "day": 24, "week": 168, "month": 720, "year": 8_760]
            guard let amount = range["value"]?["amount"]?.int64Value, amount > 0,
                let unit = range["value"]?["unit"]?.stringValue.flatMap({ hours[$0] })
            else { return nil }
            return now + amount * unit * 3_600_000
        default:
            return nil
        }
    }
}
