import NIOHTTP1
import PrismaSim
import RelayModel
import Testing

@Suite("Simulator: alert list")
struct SimAlertListTests {
    @Test("pages follow an opaque token, a body with only pageToken continues the query, totalRows counts all")
    func paging() async throws {
        try await withSimulator { sim, client in
            await sim.addRecentAlerts(250)
            let token = try await client.login(sim.user)
            var seen: [String] = []
            var answer = try await client.send(
                .POST, "/v2/alert", body: #"{"limit":100,"timeRange":{"type":"to_now","value":"epoch"}}"#, token: token)
            while true {
                let page = try AlertPage(json: try #require(answer.json))
                #expect(page.totalRows == 250)
                seen += page.items.compactMap { $0["id"]?.stringValue }
                guard let next = page.nextPageToken else { break }
                answer = try await client.send(.POST, "/v2/alert", body: #"{"pageToken":"\#(next)"}"#, token: token)
            }
            #expect(seen.count == 250)
            #expect(Set(seen).count == 250)
        }
    }

    @Test("limit above 10,000 is refused with 400")
    func limitCap() async throws {
        try await withSimulator { sim, client in
            let token = try await client.login(sim.user)
            #expect(try await client.send(.POST, "/v2/alert", body: #"{"limit":10001}"#, token: token).status == 400)
            #expect(try await client.send(.POST, "/v2/alert", body: #"{"limit":10000}"#, token: token).status == 200)
        }
    }

    @Test("filters OR values of one name and AND different names")
    func filters() async throws {
        try await withSimulator { sim, client in
            await sim.addRecentAlerts(600)
            let token = try await client.login(sim.user)
            let body = #"""
                {"filters":[{"name":"policy.severity","operator":"=","value":"critical"},
                            {"name":"policy.severity","operator":"=","value":"low"},
                            {"name":"cloud.type","operator":"=","value":"aws"},
                            {"name":"alert.status","operator":"=","value":"open"}],"detailed":true}
                """#
            let items = try #require(try await client.send(.POST, "/v2/alert", body: body, token: token).json?["items"]?.arrayValue)
            #expect(!items.isEmpty)
            for item in items {
                #expect(["critical", "low"].contains(item["policy"]?["severity"]?.stringValue ?? ""))
                #expect(item["resource"]?["cloudType"]?.stringValue == "aws")
                #expect(item["status"]?.stringValue == "open")
            }
        }
    }

    @Test("the absolute time range applies to the timestamp timeRange.type names")
    func timeRangeType() async throws {
        let clock = ManualClock(1_700_000_000_000)
        try await withSimulator(.init(rateLimitPerSecond: nil, clock: { clock.now })) { sim, client in
            await sim.addAlerts(50, start: clock.now - 86_400_000, spread: 3_600_000)
            clock.advance(seconds: 3600)
            let changed = await sim.transition(5, to: "resolved")
            let token = try await client.login(sim.user)
            let window = #"{"type":"absolute","value":{"startTime":\#(clock.now - 60_000),"endTime":\#(clock.now)}}"#
            func ids(_ type: String) async throws -> Set<String> {
                let body = #"{"timeRange":\#(window),"filters":[{"name":"timeRange.type","operator":"=","value":"\#(type)"}]}"#
                let items = try await client.send(.POST, "/v2/alert", body: body, token: token).json?["items"]?.arrayValue ?? []
                return Set(items.compactMap { $0["id"]?.stringValue })
            }
            #expect(try await ids("ALERT_UPDATED") == Set(changed))
            #expect(try await ids("ALERT_STATUS_UPDATED") == Set(changed))
            #expect(try await ids("ALERT_OPENED").isEmpty)
        }
    }

    @Test("GET /v2/alert and the seed's POST /alert/v1/alert answer like POST /v2/alert")
    func otherRoutes() async throws {
        try await withSimulator { sim, client in
            await sim.addRecentAlerts(40)
            let token = try await client.login(sim.user)
            let post = try await client.send(
                .POST, "/v2/alert", body: #"{"filters":[{"name":"alert.status","operator":"=","value":"open"}]}"#, token: token)
            let get = try await client.send(
                .GET, "/v2/alert?timeType=relative&timeAmount=2&timeUnit=day&detailed=true&alert.status=open", token: token)
            let v1 = try await client.send(
                .POST, "/alert/v1/alert", body: #"{"filters":[{"name":"alert.status","operator":"=","value":"open"}]}"#, token: token)
            #expect(get.json?["totalRows"] == post.json?["totalRows"])
            #expect(v1.json?["totalRows"] == post.json?["totalRows"])
            #expect(get.json?["items"]?.arrayValue?.first?["policy"]?["name"] != nil)
            #expect(post.json?["items"]?.arrayValue?.first?["policy"]?["name"] == nil)
        }
    }

    @Test("the per-user limit answers 429 with X-RateLimit headers after the burst")
    func rateLimit() async throws {
        let clock = ManualClock(1_700_000_000_000)
        try await withSimulator(.init(rateLimitPerSecond: 2, rateLimitBurst: 10, clock: { clock.now })) { sim, client in
            let token = try await client.login(sim.user)
            for _ in 0..<10 { #expect(try await client.send(.POST, "/v2/alert", body: "{}", token: token).status == 200) }
            let limited = try await client.send(.POST, "/v2/alert", body: "{}", token: token)
            #expect(limited.status == 429)
            #expect(limited.headers.first(name: "X-RateLimit-Remaining") == "0")
            #expect(limited.headers.first(name: "X-RateLimit-Burst-Capacity") == "10")
            #expect(limited.headers.first(name: "X-RateLimit-Replenish-Rate") == "2")
            clock.advance(seconds: 1)
            #expect(try await client.send(.POST, "/v2/alert", body: "{}", token: token).status == 200)
        }
    }

    @Test("faults: 503 with Retry-After, HTML page, malformed JSON, then normal answers")
    func faults() async throws {
        try await withSimulator { sim, client in
            await sim.setFaults(SimFaults(serverErrors: 1, malformedJSON: 1, htmlErrorPage: 1))
            let token = try await client.login(sim.user)
            let first = try await client.send(.POST, "/v2/alert", body: "{}", token: token)
            #expect(first.status == 503)
            #expect(first.headers.first(name: "Retry-After") != nil)
            let second = try await client.send(.POST, "/v2/alert", body: "{}", token: token)
            #expect(second.status == 200 && second.json == nil)
            let third = try await client.send(.POST, "/v2/alert", body: "{}", token: token)
            #expect(third.headers.first(name: "Content-Type")?.hasPrefix("text/html") == true)
            #expect(try await client.send(.POST, "/v2/alert", body: "{}", token: token).json != nil)
        }
    }

    @Test("trailing-empty fault: the last page keeps a token that leads to empty pages")
    func trailingEmpty() async throws {
        try await withSimulator { sim, client in
            await sim.addRecentAlerts(5)
            await sim.setFaults(SimFaults(trailingEmptyPage: true))
            let token = try await client.login(sim.user)
            let page = try #require(try await client.send(.POST, "/v2/alert", body: #"{"limit":10}"#, token: token).json)
            let next = try #require(page["nextPageToken"]?.stringValue)
            let empty = try #require(try await client.send(.POST, "/v2/alert", body: #"{"pageToken":"\#(next)"}"#, token: token).json)
            #expect(empty["items"]?.arrayValue?.isEmpty == true)
            #expect(empty["nextPageToken"]?.stringValue != nil)
        }
    }

    @Test("the same seed makes the same alerts, covering every policy type, severity, cloud and status")
    func deterministicGenerator() async throws {
        let a = PrismaSimulator(configuration: .init(seed: 7, clock: { 1_700_000_000_000 }))
        let b = PrismaSimulator(configuration: .init(seed: 7, clock: { 1_700_000_000_000 }))
        let ids = await a.addRecentAlerts(3000)
        await b.addRecentAlerts(3000)
        var types = Set<String>()
        var severities = Set<String>()
        var clouds = Set<String>()
        var statuses = Set<String>()
        for id in ids {
            let alert = try #require(await a.alert(id))
            #expect(alert == (await b.alert(id)))
            types.insert(alert["policy"]?["policyType"]?.stringValue ?? "")
            severities.insert(alert["policy"]?["severity"]?.stringValue ?? "")
            clouds.insert(alert["resource"]?["cloudType"]?.stringValue ?? "")
            statuses.insert(alert["status"]?.stringValue ?? "")
        }
        #expect(types.count == 13)
        #expect(severities == ["critical", "high", "medium", "low", "informational"])
        #expect(clouds == ["aws", "azure", "gcp", "oci", "alibaba_cloud"])
        #expect(statuses == Set(ConnectorConfig.allStatuses))
        #expect(a.user == b.user)
    }

    @Test("a status change bumps lastUpdated and adds history")
    func transition() async throws {
        let clock = ManualClock(1_700_000_000_000)
        let sim = PrismaSimulator(configuration: .init(clock: { clock.now }))
        let ids = await sim.addAlerts(1, start: clock.now - 1000, spread: 1)
        let before = try #require(await sim.alert(ids[0]))
        clock.advance(seconds: 60)
        #expect(await sim.transition(alert: ids[0], to: "resolved"))
        let after = try #require(await sim.alert(ids[0]))
        #expect(after["status"]?.stringValue == "resolved")
        #expect(after["lastUpdated"]?.int64Value == clock.now)
        #expect((after["history"]?.arrayValue?.count ?? 0) == (before["history"]?.arrayValue?.count ?? 0) + 1)
    }
}
