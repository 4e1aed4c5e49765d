import Foundation
import RelayHTTP
import RelayModel
import RelayStore

extension DeliveryEngine {
    /// What "Test" found.
    public struct TestResult: Sendable, Equatable {
        public var success: Bool
        /// The destination's HTTP status, when it answered.
        public var statusCode: Int?
        /// What was done, or what went wrong, in an operator's words.
        public var message: String
    }

    /// The event "Test" sends: clearly marked, informational, and resolved at once where the destination keeps
    /// state (PagerDuty).
    static func testEvent(now: Int64) -> NormalizedEvent {
        let raw: JSONValue = .object([
            "id": .string("prisma-relay-test"), "status": .string("open"), "lastUpdated": .int(now),
            "policy": .object(["name": .string("PrismaRelay test event"), "severity": .string("informational")]),
        ])
        return NormalizedEvent(
            id: EventID.make(connector: "prisma-relay", kind: .alert, nativeID: "prisma-relay-test", version: String(now)),
            kind: .alert, connector: "prisma-relay", nativeID: "prisma-relay-test-\(now)", version: String(now), status: "open",
            severity: .info, originalSeverity: "informational", module: .cspm,
            title: "PrismaRelay test event: this integration works", description: "Sent by Test; no action is needed.",
            policy: .init(name: "PrismaRelay test event"), resource: .init(), firstSeen: nil,
            lastSeen: Timestamp.rfc3339(epochMilliseconds: now),
            observedAt: Timestamp.rfc3339(epochMilliseconds: now), rawEvent: raw)
    }

    /// Sends the destination's test messages (`DestinationKind.testEvents`). Nil when the type cannot
    /// be sent yet. A passing test of a stored integration lifts a pause (and the YELLOW of a failed Test); a failing
    /// one turns a GREEN status YELLOW.
    public func test(_ integration: Integration) async throws -> TestResult? {
        guard let kind = registry.kind(of: integration.type) else { return nil }
        var outcomes: [DeliveryOutcome] = []
        let http = self.http.routed(OutboundRoute(integrationConfig: integration.config))
        // The answer is reported by its status and a classified reason, never by what the remote body says.
        if let source = enrichmentSource(for: integration) {
            outcomes = [await RemoteDetail.whileTesting { await source.probe(over: http) }]
        } else if let destination = await destination(for: integration) {
            for event in kind.testEvents(Self.testEvent(now: clock())) {
                let item = QueuedDelivery(seq: 0, event: event, attempts: 0, createdAt: clock())
                switch await RemoteDetail.whileTesting({ await destination.deliverTest(item, over: http) }) {
                case .all(let single): outcomes.append(single)
                case .each(let many): outcomes.append(many.first ?? .retryLater(reason: "no answer", statusCode: nil, wait: nil))
                }
                if outcomes.last != .delivered { break }
            }
        } else {
            return nil
        }
        var statusCode: Int?
        for outcome in outcomes {
            let failed: TestResult
            switch outcome {
            case .delivered:
                statusCode = statusCode ?? 200
                continue
            case .held:
                failed = TestResult(
                    success: false, statusCode: nil, message: "\(kind.schema.displayName) held the test event instead of sending it")
            case .retryLater(let reason, let code, _), .rejected(let reason, let code):
                failed = TestResult(success: false, statusCode: code, message: URLRedaction.redactURLs(in: reason))
            case .credentialsRefused(let reason, let code):
                failed = TestResult(success: false, statusCode: code, message: URLRedaction.redactURLs(in: reason))
            }
            try await noteFailedTest(of: integration, failed)
            return failed
        }
        if (try? await store.integration(id: integration.id)) != nil,
            case let health = try await store.integrationHealth(id: integration.id),
            health.paused || health.errorType == IntegrationHealth.testFailed
        {
            try await store.setIntegrationHealth(integrationID: integration.id, IntegrationHealth(status: .green, lastUpdated: clock()))
        }
        let done =
            kind.readOnlyTest
            ? "\(kind.schema.displayName) accepted the address and credentials (a read-only call; nothing was sent)"
            : "Sent a test event to \(kind.schema.displayName); it was accepted"
        return TestResult(success: true, statusCode: statusCode, message: "\(done) at \(Timestamp.rfc3339(epochMilliseconds: clock())).")
    }

    /// A failed Test of a stored, healthy integration turns its status YELLOW with the reason, until a delivery
    /// succeeds; a worse status (a pause, an outage) stays as it is.
    func noteFailedTest(of integration: Integration, _ result: TestResult) async throws {
        guard (try? await store.integration(id: integration.id)) != nil else { return }
        let health = try await store.integrationHealth(id: integration.id)
        guard health.status == .green, !health.paused else { return }
        try await store.setIntegrationHealth(
            integrationID: integration.id,
            IntegrationHealth(
                status: .yellow, errorType: IntegrationHealth.testFailed, message: "The last Test failed: \(result.message)",
                statusCode: result.statusCode,
                lastUpdated: clock()))
    }
}
