import RelayModel

/// Applies a `FilterModel` to the simulated alerts the way `POST /v2/alert` does: time range on the timestamp
/// that `timeRange.type` names, filters ORed within a name and ANDed across names, then sorted.
struct AlertSearch {
    /// The filter names the simulator evaluates, and how each reads an alert.
    static let filterFields: [String: @Sendable (SimAlert) -> [String]] = [
        "alert.id": { [$0.id] },
        "alert.status": { [$0.status] },
        "policy.severity": { [$0.policyModel.severity] },
        "policy.type": { [$0.policyModel.policyType] },
        "policy.id": { [$0.policyModel.policyId] },
        "policy.name": { [$0.policyModel.name] },
        "policy.subtype": { $0.policyModel.subTypes },
        "policy.label": { $0.policyModel.labels },
        "policy.complianceStandard": { $0.policyModel.compliance.map { [$0] } ?? [] },
        "cloud.type": { [$0.cloud] },
        "cloud.accountId": { [$0.cloudModel.accounts[$0.account].id] },
        "cloud.account": { [$0.cloudModel.accounts[$0.account].name] },
        "cloud.region": { [$0.cloudModel.regions[$0.region].name] },
        "resource.type": { [$0.cloudModel.resourceTypes[$0.resourceType].type] },
    ]

    static let sortFields: [String: @Sendable (SimAlert) -> Int64] = [
        "alertTime": { $0.alertTime }, "timestamp": { $0.alertTime }, "lastUpdated": { $0.lastUpdated },
        "lastSeen": { $0.lastSeen }, "firstSeen": { $0.firstSeen }, "id": { Int64($0.number) },
    ]

    static let timeTypes = ["ALERT_OPENED", "ALERT_UPDATED", "ALERT_STATUS_UPDATED"]

    /// Checks a query; the error text is what the simulator answers with in `x-redlock-status`.
    static func validate(_ query: AlertQuery) -> String? {
        if let limit = query.limit, limit > AlertQuery.maxLimit { return "limit_exceeds_max" }
        for filter in query.filters where filter.name != "timeRange.type" && filterFields[filter.name] == nil {
            return "invalid_filter_name"
        }
        if query.values(of: "timeRange.type").contains(where: { !timeTypes.contains($0.uppercased()) }) {
            return "invalid_time_range_type"
        }
        for sort in query.sortBy {
            let parts = sort.split(separator: ":")
            guard parts.count == 2, sortFields[String(parts[0])] != nil, ["asc", "desc"].contains(parts[1].lowercased())
            else { return "invalid_sort_by" }
        }
        return nil
    }

    /// The alerts visible at `now` that match `query`, sorted (default: newest `alertTime` first).
    static func run(_ query: AlertQuery, over alerts: [SimAlert], now: Int64, loginAt: Int64) -> [SimAlert] {
        let interval = (query.timeRange ?? .toNow("epoch")).interval(now: now, loginAt: loginAt)
        let timeType = query.values(of: "timeRange.type").first?.uppercased() ?? "ALERT_OPENED"
        let stamp: (SimAlert) -> Int64 =
            switch timeType {
            case "ALERT_UPDATED": { $0.lastUpdated }
            case "ALERT_STATUS_UPDATED": { $0.lastSeen }
            default: { $0.alertTime }
            }
        var groups: [String: Set<String>] = [:]
        for filter in query.filters where filter.name != "timeRange.type" {
            groups[filter.name, default: []].insert(filter.value.lowercased())
        }
        let matchers = groups.map { name, values in
            let field = filterFields[name]!
            return { (alert: SimAlert) in field(alert).contains { values.contains($0.lowercased()) } }
        }
        var matched = alerts.filter { alert in
            alert.firstSeen <= now && interval.contains(stamp(alert)) && matchers.allSatisfy { $0(alert) }
        }
        let sorts = (query.sortBy.isEmpty ? ["alertTime:desc"] : query.sortBy).map { sort in
            let parts = sort.split(separator: ":")
            return (key: sortFields[String(parts[0])]!, descending: parts[1].lowercased() == "desc")
        }
        matched.sort { a, b in
            for sort in sorts {
                let (x, y) = (sort.key(a), sort.key(b))
                if x != y { return sort.descending ? x > y : x < y }
            }
            return a.number > b.number
        }
        return matched
    }
}
