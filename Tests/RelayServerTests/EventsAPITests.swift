import Foundation
import HTTPTypes
import HummingbirdTesting
import Relay
import RelayModel
import RelayStore
import Testing

@Suite("Events API: pages by keyset, filters, one event with its deliveries; the history behind the console's pages")
struct EventsAPITests {
    static let now: Int64 = 1_780_000_000_000

    static func event(_ id: String, severity: String = "high", status: String = "open", ago: Int64) throws -> NormalizedEvent {
        try AlertNormalizer.normalize(
            try JSONValue.parse(
                #"{"id":"\#(id)","status":"\#(status)","lastUpdated":\#(now - ago),"policy":{"name":"p","severity":"\#(severity)"}}"#),
            connector: "prod", observedAt: 0)
    }

    @Test("events page newest first with the total and the next page's token; filters by delivery; bad parameters name themselves")
    func paging() async throws {
        let api = try await APIHarness(clock: { Self.now })
        let store = api.app.store
        try await store.addConnector(
            ConnectorConfig(name: "prod", apiURL: "https://api.prismacloud.io", accessKeyID: "k", secretKey: Secret("s")))
        _ = try await store.commit(
            events: try (1...5).map { try Self.event("P-\($0)", severity: $0 == 3 ? "low" : "high", ago: Int64($0) * 60_000) },
            connector: "prod", cursor: nil)
        try await api.run { client in
            var ids: [String] = []
            var token: String?
            repeat {
                let path = "/api/v1/events?limit=2" + (token.map { "&after=\($0)" } ?? "")
                let page = try await client.call(.get, path, api.bearer)
                #expect(page.status == .ok, "\(page.text)")
                #expect(page.json?["totalRows"] == .int(5))
                ids += page.json?["items"]?.arrayValue?.compactMap { $0["native_id"]?.stringValue } ?? []
                token = page.json?["nextPageToken"]?.stringValue
            } while token != nil
            #expect(ids == ["P-1", "P-2", "P-3", "P-4", "P-5"])

            let low = try await client.call(.get, "/api/v1/events?severity=low", api.bearer)
            #expect(low.json?["totalRows"] == .int(1))
            // No rule routes anything here: every event was sent nowhere, none is delivered.
            let nowhere = try await client.call(.get, "/api/v1/events?delivery=none", api.bearer)
            #expect(nowhere.json?["totalRows"] == .int(5))
            let delivered = try await client.call(.get, "/api/v1/events?delivery=delivered", api.bearer)
            #expect(delivered.json?["totalRows"] == .int(0) && delivered.json?["nextPageToken"] == .null)

            let bad = try await client.call(.get, "/api/v1/events?severity=urgent&limit=0&after=x&delivery=maybe", api.bearer)
            #expect(bad.status == .badRequest)
            let fields = bad.json?["fields"]?.arrayValue?.compactMap { $0["field"]?.stringValue } ?? []
            #expect(Set(fields) == ["severity", "limit", "after", "delivery"], "\(bad.text)")
            #expect(bad.json?["error"]?.stringValue?.contains("must be one of high, medium, low, info") == true)

            let one = try #require(try await store.events(EventQuery(limit: 1)).first)
            let shown = try await client.call(.get, "/api/v1/events/\(one.id)", api.bearer)
            #expect(shown.status == .ok && shown.json?["deliveries"] == .array([]), "\(shown.text)")
            #expect(try await client.call(.get, "/api/v1/events/nope", api.bearer).status == .notFound)
        }
    }

    @Test("audit records are listed by kind, each with its actor, action and result")
    func auditRecords() async throws {
        let api = try await APIHarness(clock: { Self.now })
        let store = api.app.store
        try await store.addConnector(
            ConnectorConfig(name: "prod", apiURL: "https://api.prismacloud.io", accessKeyID: "k", secretKey: Secret("s")))
        let record: JSONValue = .object([
            "timestamp": .int(Self.now - 60_000), "user": .string("ops@example.com"), "ipAddress": .string("203.0.113.24"),
            "actionType": .string("DELETE"), "resourceType": .string("Integration"), "resourceName": .string("soc-splunk"),
            "action": .string("'ops@example.com' deleted integration 'soc-splunk'."), "result": .string("Successful"),
        ])
        _ = try await store.commit(
            events: [try Self.event("P-1", ago: 120_000), try AuditNormalizer.normalize(record, connector: "prod", observedAt: Self.now)],
            connector: "prod", cursor: nil)
        try await api.run { client in
            let audits = try await client.call(.get, "/api/v1/events?kind=audit", api.bearer)
            #expect(audits.json?["totalRows"] == .int(1), "\(audits.text)")
            let item = try #require(audits.json?["items"]?.arrayValue?.first)
            #expect(item["kind"] == .string("audit") && item["severity"] == .string("low"), "a deletion is low")
            #expect(item["audit"]?["user"] == .string("ops@example.com") && item["audit"]?["action"] == .string("DELETE"))
            #expect(item["audit"]?["result"] == .string("success") && item["resource"]?["name"] == .string("soc-splunk"))
        }
    }

    @Test("a connector's polls and an integration's deliveries by the hour are served as the console charts them")
    func history() async throws {
        let api = try await APIHarness(clock: { Self.now })
        let store = api.app.store
        try await store.addConnector(
            ConnectorConfig(name: "prod", apiURL: "https://api.prismacloud.io", accessKeyID: "k", secretKey: Secret("s")))
        try await store.recordPoll(
            PollRecord(connector: "prod", startedAt: Self.now - 5_000, finishedAt: Self.now - 3_000, pages: 2, fetched: 9, added: 7))
        try await store.recordPoll(
            PollRecord(
                connector: "prod", startedAt: Self.now - 1_000, finishedAt: Self.now,
                error: "Prisma Cloud refused the access key (HTTP 401)"))
        try await api.run { client in
            let polls = try await client.call(.get, "/api/v1/connectors/prod/polls", api.bearer)
            let items = polls.json?.arrayValue ?? []
            #expect(items.count == 2, "\(polls.text)")
            #expect(items.first?["error"]?.stringValue?.hasPrefix("Prisma Cloud refused") == true)
            #expect(items.last?["added"] == .int(7) && items.last?["durationMs"] == .int(2_000))
            #expect(try await client.call(.get, "/api/v1/connectors/nope/polls", api.bearer).status == .notFound)

            let hook = try await client.call(
                .post, "/api/v1/tenant/1/integration", api.bearer,
                json: #"{"name":"soc","integrationType":"webhook","integrationConfig":{"url":"https://hooks.example.com/soc"}}"#)
            let id = try #require(hook.json?["id"]?.stringValue, "\(hook.text)")
            let activity = try await client.call(.get, "/api/v1/integrations/\(id)/activity?hours=48", api.bearer)
            #expect(activity.status == .ok, "\(activity.text)")
            #expect(activity.json?["hours"] == .array([]) && activity.json?["latencyP50Ms"] == .null)
            #expect(try await client.call(.get, "/api/v1/integrations/\(id)/activity?hours=0", api.bearer).status == .badRequest)
            #expect(try await client.call(.get, "/api/v1/integrations/nope/activity", api.bearer).status == .notFound)
        }
    }
}
