import Crypto
import Foundation
import RelayModel

/// A faithful, deterministic stand-in for a Prisma Cloud CSPM tenant: `/login`, `/auth_token/extend` and the
/// alert list endpoints, with per-user rate limits and switchable faults (reference §1–4, §7).
public actor PrismaSimulator {
    /// How the simulated tenant behaves.
    public struct Configuration: Sendable {
        /// Seed for credentials and alerts.
        public var seed: UInt64
        /// JWT lifetime (Prisma: ten minutes).
        public var tokenLifetimeSeconds: Int
        /// Alert endpoint rate limit per user: requests per second and burst; nil turns it off.
        public var rateLimitPerSecond: Double?
        public var rateLimitBurst: Int
        /// The simulator's clock, epoch milliseconds.
        public var clock: @Sendable () -> Int64
        /// The Compute console's tenant path (SaaS form `/us-1-…`); nil serves a self-hosted console at the root.
        public var computeTenant: String?
        /// Whether the console issues tokens; when false, authenticate answers 405 and only Basic credentials work.
        public var computeIssuesTokens: Bool

        public init(
            seed: UInt64 = 1, tokenLifetimeSeconds: Int = 600, rateLimitPerSecond: Double? = 2, rateLimitBurst: Int = 10,
            clock: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) },
            computeTenant: String? = "us-1-111111111", computeIssuesTokens: Bool = true
        ) {
            self.computeTenant = computeTenant
            self.computeIssuesTokens = computeIssuesTokens
            self.seed = seed
            self.tokenLifetimeSeconds = tokenLifetimeSeconds
            self.rateLimitPerSecond = rateLimitPerSecond
            self.rateLimitBurst = rateLimitBurst
            self.clock = clock
        }
    }

    enum Authentication {
        case valid(SimJWT.Claims)
        case denied(SimResponse)
    }

    struct PageContext {
        var alerts: [SimAlert]
        var limit: Int
        var detailed: Bool
    }

    let configuration: Configuration
    /// The tenant's main access key, printed by `prisma-relay sim`.
    public nonisolated let user: SimUser
    var users: [String: SimUser]
    var alerts: [SimAlert] = []
    var alertIndex: [String: Int] = [:]
    var generator: AlertGenerator
    var incidents: [SimIncident] = []
    var incidentIndex: [String: Int] = [:]
    var incidentGenerator: IncidentGenerator
    /// The tenant's audit log, oldest first.
    var auditLog: [JSONValue] = []
    var auditGenerator: AuditLogGenerator
    var auditLogMatchLimit = 100_000
    /// Whether the tenant requires a dismissal note.
    var requiresDismissalNote = false
    /// The console's runtime audits, by stream, oldest first.
    var runtimeAudits: [ComputeAuditStream: [JSONValue]] = [:]
    var runtimeAuditGenerator: RuntimeAuditGenerator
    var random: SimRandom
    var contexts: [String: PageContext] = [:]
    var pagesByToken: [String: Int] = [:]
    var loginTimes: [String: Int64] = [:]
    /// The session (the token its login issued) of every token, extended ones included.
    var sessionOfToken: [String: String] = [:]
    /// The CSPM requests answered with a valid token, in the order they finished.
    public internal(set) var requestLog: [SimRequestRecord] = []
    var limiter: RateLimiter?
    var nextTokenID = 0
    let jwt: SimJWT
    /// Faults to inject; change them at any time.
    public var faults = SimFaults()

    /// Requests answered, by endpoint name (`login`, `extend`, `alerts`) and by status (`status.429`).
    public private(set) var counters: [String: Int] = [:]

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        var random = SimRandom(seed: configuration.seed)
        let tenant = SimUser.Tenant(
            customerName: "Simulated Tenant", prismaId: String(806_775_241_068_457_984 &+ Int(configuration.seed % 1000)))
        user = SimUser(
            accessKeyID: random.uuid(), secretKey: Base64URL.encode((0..<20).map { _ in UInt8(truncatingIfNeeded: random.next()) }),
            tenants: [tenant])
        users = [user.accessKeyID: user]
        jwt = SimJWT(key: SymmetricKey(data: (0..<32).map { _ in UInt8(truncatingIfNeeded: random.next()) }))
        generator = AlertGenerator(seed: configuration.seed)
        incidentGenerator = IncidentGenerator(seed: configuration.seed)
        auditGenerator = AuditLogGenerator(seed: configuration.seed)
        runtimeAuditGenerator = RuntimeAuditGenerator(seed: configuration.seed)
        self.random = random
        if let rate = configuration.rateLimitPerSecond {
            limiter = RateLimiter(rate: rate, burst: configuration.rateLimitBurst)
        }
    }

    /// The Compute console's tenant path, without the leading slash (nil for a self-hosted console).
    public nonisolated var computeTenant: String? { configuration.computeTenant }

    /// The current simulator time, epoch milliseconds.
    public func now() -> Int64 { configuration.clock() }

    // MARK: Control

    /// Adds another access key (e.g. one without Alerts: View, or one with several tenants).
    public func addUser(_ user: SimUser) { users[user.accessKeyID] = user }

    /// Replaces the faults to inject.
    public func setFaults(_ faults: SimFaults) { self.faults = faults }

    /// Adds `count` alerts opened at random times in `start ..< start + spread` (epoch ms). Alerts opened after
    /// the simulator's now stay invisible until their time comes, so arrival over time can be simulated. About
    /// `closedShare` of them (one in six unless told) are already dismissed, snoozed or resolved.
    @discardableResult
    public func addAlerts(_ count: Int, start: Int64, spread: Int64, closedShare: Double = 1.0 / 6.0) -> [String] {
        let made = generator.make(count: count, start: start, spread: spread, closedShare: closedShare)
        for alert in made {
            alertIndex[alert.id] = alerts.count
            alerts.append(alert)
        }
        return made.map(\.id)
    }

    /// Adds `count` alerts opened over the `hours` before now.
    @discardableResult
    public func addRecentAlerts(_ count: Int, hours: Int = 24) -> [String] {
        let span = Int64(hours) * 3_600_000
        return addAlerts(count, start: now() - span, spread: span)
    }

    /// Changes the status of `count` open alerts (chosen by the seed) to `status` now, bumping `lastUpdated`.
    @discardableResult
    public func transition(_ count: Int, to status: String) -> [String] {
        let open = alerts.indices.filter { alerts[$0].status == "open" && alerts[$0].firstSeen <= now() }
        var chosen = Set<Int>()
        while chosen.count < min(count, open.count) { chosen.insert(random.pick(open)) }
        return chosen.sorted().map { index in
            transitionAlert(at: index, to: status)
            return alerts[index].id
        }
    }

    /// Changes one alert's status now; returns false when there is no such alert.
    @discardableResult
    public func transition(alert id: String, to status: String) -> Bool {
        guard let index = alertIndex[id] else { return false }
        transitionAlert(at: index, to: status)
        return true
    }

    func transitionAlert(at index: Int, to status: String) {
        // lastUpdated strictly increases so each change is a distinct version.
        let time = max(now(), alerts[index].lastUpdated + 1)
        alerts[index].change(to: status, reason: AlertGenerator.reason(for: status), at: time, by: "secops@example.com")
    }

    /// The alert as the detailed list returns it.
    public func alert(_ id: String) -> JSONValue? { alertIndex[id].map { alerts[$0].json(detailed: true) } }

    /// Every alert id, in id order.
    public var alertIDs: [String] { alerts.map(\.id) }

    func count(_ name: String) { counters[name, default: 0] += 1 }

    func finish(_ response: SimResponse) -> SimResponse {
        count("status.\(response.status)")
        return response
    }

}
