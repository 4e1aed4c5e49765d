import Foundation
import NIOHTTP1
import PrismaSim
import RelayModel
import Testing

@Suite("Simulator: Compute console")
struct SimComputeTests {
    let tenant = "/us-1-111111111"

    func basic(_ user: SimUser) -> String {
        "Basic " + Data("\(user.accessKeyID):\(user.secretKey)".utf8).base64EncodedString()
    }

    @Test("authenticate gives a Bearer token; Basic and the CSPM JWT are accepted on every route too")
    func threeWaysToAuthenticate() async throws {
        try await withSimulator { sim, client in
            await sim.addRecentIncidents(10)
            let auth = try await client.send(
                .POST, "\(tenant)/api/v1/authenticate",
                body: #"{"username":"\#(sim.user.accessKeyID)","password":"\#(sim.user.secretKey)"}"#)
            #expect(auth.status == 200)
            let token = try #require(auth.json?["token"]?.stringValue)
            for header in [
                ("Authorization", "Bearer \(token)"), ("Authorization", basic(sim.user)),
                ("x-redlock-auth", try await client.login(sim.user)),
            ] {
                let answer = try await client.send(.GET, "\(tenant)/api/v1/audits/incidents", headers: [header])
                #expect(answer.status == 200)
                #expect(answer.json?.arrayValue?.count == 10)
            }
            #expect(try await client.send(.GET, "\(tenant)/api/v1/audits/incidents").status == 401)
            #expect(
                try await client.send(.GET, "\(tenant)/api/v1/audits/incidents", headers: [("Authorization", "Basic d3Jvbmc6cGFzcw==")])
                    .status == 401)
        }
    }

    @Test("a console path without the tenant answers 404 on authenticate and 401 elsewhere")
    func missingTenant() async throws {
        try await withSimulator { sim, client in
            let auth = try await client.send(
                .POST, "/api/v1/authenticate", body: #"{"username":"\#(sim.user.accessKeyID)","password":"\#(sim.user.secretKey)"}"#)
            #expect(auth.status == 404)
            #expect(try await client.send(.GET, "/api/v1/audits/incidents", headers: [("Authorization", basic(sim.user))]).status == 401)
            #expect(
                try await client.send(.GET, "\(tenant)/api/v34.04/audits/incidents", headers: [("Authorization", basic(sim.user))]).status
                    == 200)
            #expect(
                try await client.send(.GET, "\(tenant)/api/latest/audits/incidents", headers: [("Authorization", basic(sim.user))]).status
                    == 404)
        }
    }

    @Test("pages of at most 50 by offset, with Total-Count, oldest first within from/to")
    func paging() async throws {
        try await withSimulator { sim, client in
            let clock = await sim.now()
            await sim.addIncidents(120, start: clock - 7_200_000, spread: 3_600_000)
            await sim.addIncidents(30, start: clock - 600_000, spread: 60_000)
            let from = Timestamp.rfc3339(epochMilliseconds: clock - 7_200_000)
            let to = Timestamp.rfc3339(epochMilliseconds: clock - 3_600_000)
            var seen: [String] = []
            var offset = 0
            while true {
                let answer = try await client.send(
                    .GET, "\(tenant)/api/v1/audits/incidents?offset=\(offset)&limit=200&from=\(from)&to=\(to)",
                    headers: [("Authorization", basic(sim.user))])
                #expect(answer.headers.first(name: "Total-Count") == "120")
                let page = try #require(answer.json?.arrayValue)
                #expect(page.count <= 50)
                seen += page.compactMap { $0["_id"]?.stringValue }
                offset += page.count
                if page.count < 50 { break }
            }
            #expect(seen.count == 120 && Set(seen).count == 120)
        }
    }

    @Test("acknowledged incidents are left out unless asked for, and acknowledge flips the flag")
    func acknowledge() async throws {
        try await withSimulator { sim, client in
            let ids = await sim.addRecentIncidents(5)
            let auth = [("Authorization", basic(sim.user))]
            #expect(
                try await client.send(
                    .PATCH, "\(tenant)/api/v1/audits/incidents/acknowledge/\(ids[0])", body: #"{"acknowledged":true}"#, headers: auth
                ).status == 200)
            #expect(try await client.send(.GET, "\(tenant)/api/v1/audits/incidents", headers: auth).json?.arrayValue?.count == 4)
            let acked = try await client.send(.GET, "\(tenant)/api/v1/audits/incidents?acknowledged=true", headers: auth)
            #expect(acked.json?.arrayValue?.first?["_id"]?.stringValue == ids[0])
            #expect(
                try await client.send(
                    .PATCH, "\(tenant)/api/v1/audits/incidents/acknowledge/nope", body: #"{"acknowledged":true}"#, headers: auth
                ).status == 404)
        }
    }

    @Test("repeatable filters OR their values; different filters AND")
    func filters() async throws {
        try await withSimulator { sim, client in
            await sim.addRecentIncidents(300)
            let answer = try await client.send(
                .GET, "\(tenant)/api/v1/audits/incidents?category=cryptoMiner&category=reverseShell&type=container&limit=50",
                headers: [("Authorization", basic(sim.user))])
            let items = try #require(answer.json?.arrayValue)
            #expect(!items.isEmpty)
            #expect(
                items.allSatisfy {
                    ["cryptoMiner", "reverseShell"].contains($0["category"]?.stringValue ?? "") && $0["type"]?.stringValue == "container"
                })
        }
    }

    @Test("meta_info points at the tenant's console path")
    func metaInfo() async throws {
        try await withSimulator { sim, client in
            let answer = try await client.send(.GET, "/meta_info", token: try await client.login(sim.user))
            #expect(answer.json?["twistlockUrl"]?.stringValue == client.base + tenant)
        }
    }

    @Test("the generator covers every category and workload type, with audit severities")
    func generatorCoverage() async throws {
        let sim = PrismaSimulator(configuration: .init(seed: 9, clock: { 1_700_000_000_000 }))
        var categories = Set<String>()
        var types = Set<String>()
        var severities = Set<String>()
        for id in await sim.addRecentIncidents(1500) {
            let incident = try #require(await sim.incident(id))
            categories.insert(incident["category"]?.stringValue ?? "")
            types.insert(incident["type"]?.stringValue ?? "")
            for audit in incident["audits"]?.arrayValue ?? [] { severities.insert(audit["severity"]?.stringValue ?? "") }
        }
        #expect(categories.count == 16)
        #expect(types == ["host", "container", "function", "appEmbedded", "fargate"])
        #expect(severities == ["low", "medium", "high"])
    }
}
