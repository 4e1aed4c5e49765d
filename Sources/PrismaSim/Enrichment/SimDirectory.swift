/// The people and hosts of the simulated tenant: alerts name them (who created a resource, which addresses an
/// instance has), so the test receivers of Okta, Qualys and Tenable — and `demo` — can know them too.
public enum SimDirectory {
    /// A person of the simulated organisation, as an identity provider would know them.
    public struct Person: Sendable {
        public var login: String
        /// Admin role types (`SUPER_ADMIN`, …); none for most.
        public var adminRoles: [String]
        public var groups: [String]
        /// Enrolled MFA factor types; none means no MFA.
        public var factors: [String]
    }

    public static let people: [Person] = [
        Person(login: "alice@example.com", adminRoles: ["SUPER_ADMIN"], groups: ["Everyone", "Cloud Admins"], factors: ["push"]),
        Person(login: "bob@example.com", adminRoles: [], groups: ["Everyone", "Developers"], factors: ["token:software:totp"]),
        Person(login: "carol@example.com", adminRoles: ["ORG_ADMIN"], groups: ["Everyone", "Security"], factors: []),
        Person(login: "dave@example.com", adminRoles: [], groups: ["Everyone", "Data"], factors: ["push", "webauthn"]),
    ]

    /// How many hosts the tenant's instances use (their addresses repeat across alerts).
    public static let hostCount = 16

    /// The private address of host `index` (0 ..< `hostCount`).
    public static func privateIP(_ index: Int) -> String { "10.0.1.\(10 + index % hostCount)" }

    /// The DNS name AWS gives that address.
    public static func privateDNS(_ index: Int) -> String { "ip-10-0-1-\(10 + index % hostCount).ec2.internal" }

    /// The person an alert attributes its resource to, and the host an instance alert is on.
    static func person(forAlert number: Int) -> Person { people[number % people.count] }
    static func host(forAlert number: Int) -> Int { number % hostCount }
}
