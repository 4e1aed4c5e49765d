import RelayModel

/// The console's runtime audit routes (`/api/vX/audits/runtime/{container,host,serverless}`,
/// `/api/vX/audits/firewall/app/container`): a window by `from` and `to`, oldest first, 50 a page by `offset` with
/// `Total-Count`, `null` when nothing matches, and the incident route's faults.
extension PrismaSimulator {
    /// Adds `count` audits of `stream` spread over the `hours` before now.
    @discardableResult
    public func addRuntimeAudits(_ stream: ComputeAuditStream, _ count: Int, hours: Int = 24) -> [JSONValue] {
        let span = Int64(hours) * 3_600_000
        let made = runtimeAuditGenerator.make(stream, count: count, start: now() - span, spread: span)
        runtimeAudits[stream, default: []] += made
        runtimeAudits[stream]?.sort { Self.time($0) < Self.time($1) }
        return made
    }

    /// `GET /api/vX/audits/runtime/{kind}` and `GET /api/vX/audits/firewall/app/container`.
    public func listRuntimeAudits(_ request: SimRequest, tenant: String?, stream: ComputeAuditStream) -> SimResponse {
        count("compute.audits")
        if let wrong = checkTenant(tenant, authenticating: false) { return finish(wrong) }
        guard computeUser(request) != nil else { return finish(Self.computeError(401, "unauthorized")) }
        if let fault = takeFault("compute.audits", rateHeaders: []) { return finish(fault) }
        var offset = 0
        var limit = Self.incidentPageLimit
        var from: Int64?
        var to: Int64?
        for (name, value) in request.query {
            switch name {
            case "offset": offset = max(0, Int(value) ?? 0)
            case "limit":
                guard let asked = Int(value), (1...Self.incidentPageLimit).contains(asked) else {
                    return finish(Self.computeError(400, "limit must be from 1 to \(Self.incidentPageLimit)"))
                }
                limit = asked
            case "from", "to":
                guard let ms = Self.parseTime(value) else { return finish(Self.computeError(400, "invalid \(name) time: \(value)")) }
                if name == "from" { from = ms } else { to = ms }
            default: break
            }
        }
        let current = now()
        let matched = (runtimeAudits[stream] ?? []).filter { audit in
            let time = Self.time(audit)
            return time <= current && (from.map { time >= $0 } ?? true) && (to.map { time <= $0 } ?? true)
        }
        // The console answers null, not an empty list, when nothing matches.
        guard offset < matched.count else { return finish(SimResponse.json(.null, headers: [("Total-Count", String(matched.count))])) }
        let page = Array(matched[offset..<min(matched.count, offset + limit)])
        return finish(SimResponse.json(.array(page), headers: [("Total-Count", String(matched.count))]))
    }

    static func time(_ audit: JSONValue) -> Int64 {
        audit["time"]?.stringValue.flatMap(Timestamp.epochMilliseconds(rfc3339:)) ?? 0
    }
}
