/// An access key of the simulated tenant.
public struct SimUser: Sendable, Equatable {
    /// A tenant the key can log in to.
    public struct Tenant: Sendable, Equatable {
        public var customerName: String
        public var prismaId: String
        public init(customerName: String, prismaId: String) {
            self.customerName = customerName
            self.prismaId = prismaId
        }
    }

    public var accessKeyID: String
    public var secretKey: String
    /// Whether the key's role has Alerts: View; without it the alert list answers 403.
    public var canViewAlerts: Bool
    /// Whether the key's role may view audit logs (System Admin, or a permission group granting it).
    public var canViewAuditLogs: Bool = true
    /// Whether the key's role may dismiss, snooze and reopen alerts (System Admin, Account Group Admin, Account and
    /// Cloud Provisioning Admin, without "Restrict alert dismissal"); without it those calls answer 403.
    public var canDismissAlerts: Bool = true
    /// More than one tenant makes `/login` ask for `prismaId` or `customerName`.
    public var tenants: [Tenant]

    public init(accessKeyID: String, secretKey: String, canViewAlerts: Bool = true, tenants: [Tenant]) {
        self.accessKeyID = accessKeyID
        self.secretKey = secretKey
        self.canViewAlerts = canViewAlerts
        self.tenants = tenants
    }
}
