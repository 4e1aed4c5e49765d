import PrismaSim

/// Enrichment sources that know the simulated tenant's people and hosts (`SimDirectory`), as its alerts name them.
extension OktaReceiver {
    public static func knowingSimulatedTenant(token: String) -> OktaReceiver {
        OktaReceiver(
            token: token,
            users: SimDirectory.people.enumerated().map { index, person in
                User(
                    id: "00u\(index)", login: person.login, factors: person.factors.map { ($0, "ACTIVE") }, roles: person.adminRoles,
                    groups: person.groups)
            })
    }
}

extension TenableReceiver {
    /// Each host with one critical finding.
    public static func knowingSimulatedTenant(accessKey: String, secretKey: String) -> TenableReceiver {
        TenableReceiver(
            accessKey: accessKey, secretKey: secretKey,
            assets: (0..<SimDirectory.hostCount).map { index in
                Asset(
                    id: "asset-\(index)", ipv4: [SimDirectory.privateIP(index)], fqdn: [SimDirectory.privateDNS(index)],
                    vulnerabilities: [Vulnerability(pluginID: 1000 + index, name: "OpenSSL advisory \(index)", severity: 4, vpr: 9.1)])
            })
    }
}
