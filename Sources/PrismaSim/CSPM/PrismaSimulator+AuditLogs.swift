import Foundation
import RelayModel

/// The tenant's audit log (`POST /audit/api/v1/log`): an absolute or relative time range, 100 to 500 records a page
/// with `nextPageToken`, errors as the audit service writes them, and the alert list's rate limits and faults.
extension PrismaSimulator {
    /// How many records one query may match before the audit log answers 413 (Prisma's limit is not published).
    public func setAuditLogMatchLimit(_ limit: Int) { auditLogMatchLimit = limit }

    /// Adds `count` audit records spread over the `hours` before now.
    @discardableResult
    public func addAuditRecords(_ count: Int, hours: Int = 24) -> [JSONValue] {
        let span = Int64(hours) * 3_600_000
        let made = auditGenerator.make(count: count, start: now() - span, spread: span)
        auditLog += made
        auditLog.sort { ($0["timestamp"]?.int64Value ?? 0) < ($1["timestamp"]?.int64Value ?? 0) }
        return made
    }

    /// `POST /audit/api/v1/log`.
    public func listAuditLogs(_ request: SimRequest) -> SimResponse {
        count("audit")
        let claims: SimJWT.Claims
        switch authenticate(request) {
        case .denied(let response): return finish(response)
        case .valid(let valid): claims = valid
        }
        guard users[claims.user]?.canViewAuditLogs == true else {
            return finish(Self.auditError(403, "Forbidden", "not allowed to view audit logs"))
        }
        var rateHeaders: [(String, String)] = []
        if var limiter {
            let (granted, remaining) = limiter.take(user: claims.user, now: now())
            self.limiter = limiter
            rateHeaders = limiter.headers(remaining: remaining)
            if !granted { return finish(Self.auditError(429, "TooManyRequests", "rate limit exceeded")) }
        }
        if let fault = takeFault("audit", rateHeaders: rateHeaders) { return finish(fault) }
        guard let body = try? JSONValue.parse(request.body), body.objectValue != nil else {
            return finish(Self.auditError(400, "BadRequest", "the body must be a JSON object"))
        }
        let limit = body["limit"]?.int64Value ?? 500
        guard (100...500).contains(limit) else { return finish(Self.auditError(400, "BadRequest", "limit must be from 100 to 500")) }
        guard let range = Self.auditRange(body["timeRange"], now: now()) else {
            return finish(Self.auditError(400, "BadRequest", "timeRange is required: {type: absolute|relative, value}"))
        }
        var offset = 0
        if let token = body["nextPageToken"]?.stringValue {
            guard let decoded = Self.decodePageToken(token), decoded.0 == "audit" else {
                return finish(Self.auditError(400, "BadRequest", "invalid nextPageToken"))
            }
            offset = decoded.1
        }
        let matched = auditLog.filter { range.contains($0["timestamp"]?.int64Value ?? -1) }
        // Prisma refuses a query that matches too many records, whatever the page size (the key its GET form
        // documents; the body as the audit service writes its errors).
        if matched.count > auditLogMatchLimit {
            return finish(Self.auditError(413, "PayloadTooLarge", "too_many_matching_results_reduce_time_range"))
        }
        let end = min(matched.count, offset + Int(limit))
        var answer: JSONObject = ["value": .array(offset < end ? Array(matched[offset..<end]) : [])]
        if end < matched.count { answer["nextPageToken"] = .string(Self.encodePageToken("audit", end)) }
        return finish(SimResponse.json(.object(answer), headers: rateHeaders))
    }

    static func auditRange(_ timeRange: JSONValue?, now: Int64) -> ClosedRange<Int64>? {
        guard let timeRange, let type = timeRange["type"]?.stringValue, let value = timeRange["value"] else { return nil }
        switch type {
        case "absolute":
            guard let start = value["startTime"]?.int64Value else { return nil }
            let end = value["endTime"]?.int64Value ?? now
            return start <= end ? start...end : nil
        case "relative":
            let units: [String: Int64] = ["minute": 60_000, "hour": 3_600_000, "day": 86_400_000, "week": 604_800_000]
            guard let amount = value["amount"]?.int64Value, let unit = value["unit"]?.stringValue.flatMap({ units[$0] }) else { return nil }
            return (now - amount * unit)...now
        default:
            return nil
        }
    }

    /// The audit service's error body.
    static func auditError(_ status: Int, _ code: String, _ message: String) -> SimResponse {
        SimResponse.json(
            .object(["error": .object(["code": .string(code), "message": .string(message), "details": .array([])])]), status: status)
    }
}
