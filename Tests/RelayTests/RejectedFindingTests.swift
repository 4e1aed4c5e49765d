import Foundation
import PrismaAPI
import PrismaSim
import RelayModel
import RelayStore
import Testing

@testable import Relay

/// A source that hands out one fixed page of raw alerts, as Prisma sent them.
struct FixedPageSource: FindingSource {
    let alerts: [JSONValue]
    let connector: String

    func collect(window: ClosedRange<Int64>, observedAt: @Sendable () -> Int64, page: (SourcePage) async throws -> Void) async throws {
        try await page(
            normalizeAll(alerts, bytes: 0) { alert throws(NormalizationError) in
                try AlertNormalizer.normalize(alert, connector: connector, observedAt: observedAt())
            })
    }

    func probe(now: Int64) async throws {}

    func act(_ action: AlertAction, on event: NormalizedEvent) async throws -> ActionAnswer {
        ActionAnswer(.refused, "a fixed page takes no actions", statusCode: nil)
    }
}

@Suite("Rejected findings")
struct RejectedFindingTests {
    @Test("an alert without an id is kept as a rejected finding; the others are stored and the connector moves on")
    func setAside() async throws {
        let rig = try await Rig.start()
        defer { Task { await rig.stop() } }
        let config = rig.config()
        try await rig.app.connectors.add(config)
        let alerts = try [
            JSONValue.parse(#"{"id":"P-1","status":"open","lastUpdated":5,"policy":{"name":"a","severity":"high"}}"#),
            JSONValue.parse(#"{"status":"open","lastUpdated":6,"policy":{"name":"no id","severity":"high"}}"#),
            JSONValue.parse(#"{"id":"P-2","status":"open","lastUpdated":7,"policy":{"name":"b","severity":"low"}}"#),
        ]
        let poller = Poller(
            config: config, source: FixedPageSource(alerts: alerts, connector: "prod"), store: rig.app.store, clock: { rig.clock.now })
        let report = await poller.poll()
        #expect(report.error == nil && report.added == 2 && report.rejected == 1)
        // The same page again (an overlapping window) adds nothing and keeps one record of the bad finding.
        rig.clock.advance(seconds: 60)
        #expect(await poller.poll().added == 0)
        let state = try await rig.app.connectors.state(of: "prod")
        #expect(state.status == .active && state.rejectedFindings == 1 && state.cursor == rig.clock.now)
        let rejected = try await rig.app.connectors.rejected("prod")
        #expect(rejected.count == 1)
        #expect(rejected.first?.raw == alerts[1] && rejected.first?.reason.contains("id") == true)
        #expect(try await rig.storedIDs().sorted() == ["P-1", "P-2"])
    }
}
