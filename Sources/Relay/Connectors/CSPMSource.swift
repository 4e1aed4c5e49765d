import PrismaAPI
import RelayModel

/// CSPM alerts: `POST /login`, then every page of the alert list for the window; with `includeAuditLogs`, every
/// page of the tenant's audit log for the same window.
/// With `includeIncidents`, the tenant's Compute incidents follow, through the console `/meta_info` names (or
/// `computeURL`), authenticated with the same key's JWT.
public struct CSPMSource: FindingSource {
    let config: ConnectorConfig
    let client: CSPMClient
    /// Builds the Compute client for a console path, when incidents are collected too.
    let computeClient: @Sendable (ComputeClient.Credentials) -> ComputeClient

    public init(
        config: ConnectorConfig, client: CSPMClient, computeClient: @escaping @Sendable (ComputeClient.Credentials) -> ComputeClient
    ) {
        self.config = config
        self.client = client
        self.computeClient = computeClient
    }

    /// The alert list request for `window`: absolute epoch-ms range on the configured timestamp, the status
    /// filter, detailed alerts, newest first.
    public static func query(window: ClosedRange<Int64>, config: ConnectorConfig) -> AlertQuery {
        let sortField =
            switch config.timeField {
            case .opened: "alertTime"
            case .updated: "lastUpdated"
            case .statusUpdated: "lastSeen"
            }
        return AlertQuery(
            timeRange: .absolute(startTime: window.lowerBound, endTime: window.upperBound),
            filters: config.statuses.map { AlertQuery.Filter(name: "alert.status", value: $0) }
                + [AlertQuery.Filter(name: "timeRange.type", value: config.timeField.prismaFilterValue)],
            limit: config.pageSize, sortBy: ["\(sortField):desc"], detailed: true)
    }

    public func collect(
        window: ClosedRange<Int64>, observedAt: @Sendable () -> Int64, page: (SourcePage) async throws -> Void
    ) async throws {
        // A fresh JWT each poll, as the seed's connector does; re-login mid-paging is the client's.
        try await client.login()
        let prismaConsole = PrismaAPIHost.consoleURL(apiURL: config.apiURL)
        for try await alerts in client.alertPages(Self.query(window: window, config: config), path: config.alertPath) {
            let observed = observedAt()
            try await page(
                normalizeAll(alerts.items, bytes: alerts.byteCount) { alert throws(NormalizationError) in
                    try AlertNormalizer.normalize(alert, connector: config.name, observedAt: observed, console: prismaConsole)
                })
        }
        if config.includeAuditLogs {
            // Records alike in every field are counted across the window's pages, so each keeps its own identity.
            var occurrences: [String: Int] = [:]
            for try await records in client.auditLogPages(window: window) {
                let observed = observedAt()
                try await page(
                    normalizeAll(records.items, bytes: records.byteCount) { record throws(NormalizationError) in
                        let digest = AuditNormalizer.digest(record)
                        occurrences[digest, default: 0] += 1
                        return try AuditNormalizer.normalize(
                            record, connector: config.name, observedAt: observed, occurrence: occurrences[digest] ?? 1)
                    })
            }
        }
        guard config.includeIncidents else { return }
        try await ComputeSource.collect(client: try await compute(), config: config, window: window, observedAt: observedAt, page: page)
    }

    /// The client of the tenant's Compute console (`computeURL`, or the one `/meta_info` names), authenticated with the
    /// same key's JWT.
    func compute() async throws -> ComputeClient {
        let console: String
        if let given = config.computeURL { console = given } else { console = try await client.computeConsoleURL() }
        return computeClient(
            ComputeClient.Credentials(
                consoleURL: console, username: config.accessKeyID, password: config.secretKey,
                prismaToken: { [client] in try await client.currentToken() }))
    }

    public func act(_ action: AlertAction, on event: NormalizedEvent) async throws -> ActionAnswer {
        if let change = AlertStatusChange(action, alertIDs: [event.nativeID]) { return try await client.changeStatus(change) }
        return try await compute().setAcknowledged(action == .acknowledge, incident: event.nativeID)
    }

    public func probe(now: Int64) async throws {
        try await client.login()
        let probe = AlertQuery(timeRange: .relative(amount: 1, unit: "hour"), limit: 1, detailed: false)
        _ = try await client.fetchAlertPage(probe, path: config.alertPath)
    }
}
