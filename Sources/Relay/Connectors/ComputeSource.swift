import PrismaAPI
import RelayModel

/// Compute runtime incidents: authenticate, then page the window by offset; then each audit stream the connector
/// collects (`runtimeAudits`), the same way, each runtime audit linked to the incident that lists it. Incidents are
/// acknowledged only when an analyst asks (`act`).
///
/// Compute forms an incident from audits it has already written, so the audits are read `linkLag` behind the
/// incidents (a window ending that much earlier), and the incidents from that much earlier too: an incident formed
/// up to `linkLag` after its audits is listed in the same poll as they are, and they carry its id.
public struct ComputeSource: FindingSource {
    let config: ConnectorConfig
    let client: ComputeClient

    /// How far the audit streams' window ends before the incidents'.
    public static let linkLag: Int64 = 120_000

    public init(config: ConnectorConfig, client: ComputeClient) {
        self.config = config
        self.client = client
    }

    public func collect(
        window: ClosedRange<Int64>, observedAt: @Sendable () -> Int64, page: (SourcePage) async throws -> Void
    ) async throws {
        try await Self.collect(client: client, config: config, window: window, observedAt: observedAt, page: page)
    }

    /// Authenticates `client` and hands over every incident page of `window`, for this source and for CSPM
    /// connectors that collect their tenant's incidents too.
    static func collect(
        client: ComputeClient, config: ConnectorConfig, window: ClosedRange<Int64>, observedAt: @Sendable () -> Int64,
        page: (SourcePage) async throws -> Void
    ) async throws {
        try await client.login()
        // Which incident each runtime audit of the window belongs to, as the incidents list their audits. With audit
        // streams, the incidents are read from `linkLag` earlier (those already stored are absorbed).
        var incidentOfAudit: [String: String] = [:]
        let linking = config.type == .compute && !config.runtimeAudits.isEmpty
        let incidentsFrom = window.lowerBound - (linking ? linkLag : 0)
        // The list returns unacknowledged incidents unless asked; acknowledged ones are a second pass.
        for acknowledged in config.includeAcknowledged ? [false, true] : [false] {
            for try await incidents in client.incidentPages(from: incidentsFrom, to: window.upperBound, acknowledged: acknowledged) {
                let observed = observedAt()
                for incident in incidents.incidents {
                    guard let id = incident["_id"]?.stringValue else { continue }
                    for audit in incident["audits"]?.arrayValue ?? [] {
                        if let auditID = audit["_id"]?.stringValue, !auditID.isEmpty { incidentOfAudit[auditID] = id }
                    }
                }
                try await page(
                    normalizeAll(incidents.incidents, bytes: incidents.byteCount) { incident throws(NormalizationError) in
                        try IncidentNormalizer.normalize(incident, connector: config.name, observedAt: observed)
                    })
            }
        }
        guard config.type == .compute else { return }
        for stream in config.runtimeAudits {
            let from = window.lowerBound - linkLag
            for try await audits in client.auditPages(stream, from: from, to: max(from, window.upperBound - linkLag)) {
                let observed = observedAt()
                try await page(
                    normalizeAll(audits.incidents, bytes: audits.byteCount) { audit throws(NormalizationError) in
                        try RuntimeAuditNormalizer.normalize(
                            audit, stream: stream, connector: config.name, observedAt: observed, incidents: incidentOfAudit)
                    })
            }
        }
    }

    public func probe(now: Int64) async throws {
        try await client.login()
        _ = try await client.fetchIncidents(offset: 0, from: now - 3_600_000, to: now, acknowledged: false)
    }

    public func act(_ action: AlertAction, on event: NormalizedEvent) async throws -> ActionAnswer {
        try await client.setAcknowledged(action == .acknowledge, incident: event.nativeID)
    }
}
