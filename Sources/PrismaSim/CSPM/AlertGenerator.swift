/// Makes realistic alerts from a seed: the same seed and calls always give the same alerts.
struct AlertGenerator: Sendable {
    private var random: SimRandom
    private var nextNumber: Int

    init(seed: UInt64, firstNumber: Int = 100_001) {
        random = SimRandom(seed: seed)
        nextNumber = firstNumber
    }

    static let closedStatuses: [(status: String, reason: String)] = [
        ("resolved", "RESOURCE_UPDATED"), ("resolved", "RESOURCE_DELETED"), ("dismissed", "USER_DISMISSED"),
        ("snoozed", "USER_SNOOZED"), ("pending_resolution", "REMEDIATED"),
    ]

    /// `count` alerts opened at times spread evenly at random over `start ..< start + spread` (epoch ms),
    /// in id order of their opening time. About `closedShare` of them (one in six unless told) are no longer open.
    mutating func make(count: Int, start: Int64, spread: Int64, closedShare: Double = 1.0 / 6.0) -> [SimAlert] {
        let times = (0..<count).map { _ in start + (spread > 0 ? random.int(in: 0...(spread - 1)) : 0) }.sorted()
        return times.map { opened in
            let policyIndex = Int(random.next() % UInt64(PolicyCatalog.all.count))
            let cloudName = random.pick(PolicyCatalog.all[policyIndex].clouds)
            let cloud = CloudCatalog.clouds[cloudName]!
            var alert = SimAlert(
                number: nextNumber, policy: policyIndex, cloud: cloudName,
                account: Int(random.next() % UInt64(cloud.accounts.count)),
                region: Int(random.next() % UInt64(cloud.regions.count)),
                resourceType: Int(random.next() % UInt64(cloud.resourceTypes.count)),
                resourceSuffix: random.hex(10), firstSeen: opened, alertTime: opened, lastSeen: opened,
                lastUpdated: opened, status: "open", reason: "NEW_ALERT",
                history: [SimAlert.Change(status: "open", reason: "NEW_ALERT", modifiedOn: opened, modifiedBy: nil)])
            nextNumber += 1
            if random.chance(closedShare) {
                let closed = random.pick(Self.closedStatuses)
                let later = min(start + spread, opened + random.int(in: 1_000...3_600_000))
                alert.change(
                    to: closed.status, reason: closed.reason, at: max(later, opened),
                    by: closed.status == "resolved" ? "Prisma Cloud" : "secops@example.com")
            }
            return alert
        }
    }

    /// A status for a transition to `status`, with a plausible reason.
    static func reason(for status: String) -> String {
        closedStatuses.first(where: { $0.status == status })?.reason ?? "REOPENED"
    }
}
