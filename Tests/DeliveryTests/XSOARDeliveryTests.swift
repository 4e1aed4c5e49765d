import Delivery
import Foundation
import HTTPServing
import RelayModel
import RelayStore
import TestSupport
import Testing

@Suite("Cortex XSOAR delivery")
struct XSOARDeliveryTests {
    static let tenant = "https://acme.xdr.us.paloaltonetworks.com"

    /// A receiver of `generation` and a rig whose integration is configured for `configured` (by default the same).
    static func start(
        generation: Int, configured: Int? = nil, apiKey: String = "K-123", apiKeyID: String = "7", timeout: Int64 = 60
    ) async throws -> (DeliveryRig, XSOARReceiver, HTTPServerHandle) {
        let receiver = XSOARReceiver(generation: generation, apiKey: "K-123", apiKeyID: "7")
        let server = try await receiver.serve()
        let version = configured ?? generation
        var config: JSONObject = [
            "hostUrl": .string(version == 8 ? tenant : server.url), "apiKey": .string(apiKey), "demistoVersion": .string("\(version).0"),
        ]
        if version == 8 { config["apiKeyID"] = .string(apiKeyID) }
        let rig = try await DeliveryRig.start(
            .demisto, config: .object(config), environment: ["PRISMA_RELAY_XSOAR_API_URL": server.url], timeoutSeconds: timeout)
        return (rig, receiver, server)
    }

    static func event(_ json: String) throws -> NormalizedEvent {
        try AlertNormalizer.normalize(try JSONValue.parse(json), connector: "prod", observedAt: 1_763_800_001_000)
    }

    static let fixed =
        #"{"id":"P-7","status":"open","reason":"NEW_ALERT","alertTime":1763790000000,"lastUpdated":1763800000000,"policy":{"name":"S3 public","severity":"critical","policyType":"config","description":"Anyone can list it."},"resource":{"id":"b-1","name":"logs","cloudType":"aws","accountId":"111"}}"#

    @Test("golden: the exact XSOAR 6 and 8 requests that create, update, close and search an alert's incident")
    func golden() throws {
        let event = try Self.event(Self.fixed)
        let six = XSOARDestination(
            config: .init([
                "hostUrl": .string("https://xsoar.example.com:8443/"), "apiKey": .string("K-123"), "demistoVersion": .string("6.0"),
            ]), integrationID: "x",
            clock: { 0 })
        let create = six.request("/incident", XSOARIncident.create(event))
        #expect(create.url == "https://xsoar.example.com:8443/incident" && create.method == "POST")
        #expect(
            create.headers.map { "\($0.0): \($0.1)" } == [
                "Authorization: K-123", "Accept: application/json", "Content-Type: application/json",
            ])
        let raw = Self.fixed.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        #expect(
            String(decoding: create.body, as: UTF8.self)
                == #"{"name":"S3 public - P-7","type":"Prisma Cloud","severity":4,"occurred":"2025-11-22T05:40:00.000Z","details":"Anyone can list it.","labels":[{"type":"alertId","value":"P-7"},{"type":"connector","value":"prod"},{"type":"policy","value":"S3 public"},{"type":"cloud","value":"aws"},{"type":"account","value":"111"},{"type":"resource","value":"b-1"},{"type":"status","value":"open"},{"type":"lastSeen","value":"2025-11-22T08:26:40.000Z"}],"rawJSON":"\#(raw)","CustomFields":{"dbotmirrorid":"prod/P-7"},"createInvestigation":true}"#
        )
        let update = XSOARIncident.update(event, id: "41", version: 3)
        #expect(
            update["id"] == .string("41") && update["version"] == .int(3) && update["createInvestigation"] == nil && update["status"] == nil
        )
        #expect(XSOARIncident.update(event, id: "41", version: 3, reopen: true)["status"] == .int(1))
        var resolved = try Self.event(
            Self.fixed.replacingOccurrences(
                of: #""status":"open","reason":"NEW_ALERT""#, with: #""status":"resolved","reason":"RESOURCE_DELETED""#))
        #expect(
            XSOARIncident.close(resolved, id: "41", version: 4).jsonString()
                == #"{"id":"41","version":4,"closeReason":"Resolved","closeNotes":"Prisma Cloud marked the alert resolved (reason: RESOURCE_DELETED)."}"#
        )
        resolved.status = "dismissed"
        #expect(XSOARIncident.close(resolved, id: "41", version: 4)["closeReason"] == .string("Other"))
        #expect(
            six.request("/incidents/search", XSOARIncident.search(key: "prod/P-7")).body
                == Array(
                    #"{"filter":{"query":"dbotmirrorid:\"prod/P-7\"","page":0,"size":10,"sort":[{"field":"created","asc":true}]}}"#.utf8))

        let eight = XSOARDestination(
            config: .init([
                "hostUrl": .string("https://acme.xdr.us.paloaltonetworks.com"), "apiKey": .string("K-123"), "apiKeyID": .string("7"),
                "demistoVersion": .string("8.0"),
            ]),
            integrationID: "x", clock: { 0 })
        let create8 = eight.request("/incident", XSOARIncident.create(event))
        #expect(create8.url == "https://api-acme.xdr.us.paloaltonetworks.com/xsoar/public/v1/incident")
        #expect(create8.headers.map { "\($0.0): \($0.1)" }.prefix(2) == ["Authorization: K-123", "x-xdr-auth-id: 7"])
        #expect(create8.body == create.body)
    }

    @Test("golden: severities from Prisma's tiers, 0.5 for informational")
    func severities() throws {
        let tiers = ["critical": "4", "high": "3", "medium": "2", "low": "1", "informational": "0.5"]
        for (tier, expected) in tiers {
            let event = try Self.event(#"{"id":"P-1","status":"open","lastUpdated":1,"policy":{"name":"p","severity":"\#(tier)"}}"#)
            #expect(XSOARIncident.severity(event) == .number(expected), "\(tier)")
        }
    }

    @Test("hostUrl is normalized: XSOAR 8 with or without api- and a path; XSOAR 6 as given without a trailing slash")
    func baseURLs() {
        for given in [
            "https://acme.xdr.eu.paloaltonetworks.com", "https://api-acme.xdr.eu.paloaltonetworks.com/",
            "https://acme.xdr.eu.paloaltonetworks.com/xsoar/public/v1",
        ] {
            #expect(
                XSOARDestination.base(hostUrl: given, generation: 8, redirect: nil)
                    == "https://api-acme.xdr.eu.paloaltonetworks.com/xsoar/public/v1", "\(given)")
        }
        #expect(
            XSOARDestination.base(hostUrl: "https://acme.xdr.eu.paloaltonetworks.com", generation: 8, redirect: "http://127.0.0.1:9/")
                == "http://127.0.0.1:9/xsoar/public/v1")
        #expect(
            XSOARDestination.base(hostUrl: "https://soc.example.com:8443/xsoar/", generation: 6, redirect: "http://x")
                == "https://soc.example.com:8443/xsoar")
    }

    @Test("an alert's life — open, updated, resolved, reopened — is one incident, created once, closed, then reopened", arguments: [6, 8])
    func lifecycle(generation: Int) async throws {
        let (rig, receiver, server) = try await Self.start(generation: generation)
        defer { Task { await server.stop() } }
        try await rig.alert("P-1")
        try await rig.drain(rounds: 1)
        try await rig.alert("P-1", version: 2, description: "Now also writable.")
        try await rig.drain(rounds: 1)
        try await rig.alert("P-1", status: "resolved", version: 3)
        try await rig.drain(rounds: 1)
        try await rig.alert("P-1", version: 4)
        try await rig.drain(rounds: 1)
        #expect(
            await receiver.log == [
                "search", "create 1", "search", "update 1", "search", "update 1", "close 1", "search", "reopen 1",
            ])
        let incidents = await receiver.incidents
        #expect(incidents.count == 1)
        let incident = try #require(incidents.first)
        #expect(incident["status"] == .int(1) && incident["version"] == .int(5) && incident["name"] == .string("S3 bucket is public - P-1"))
        #expect(incident["severity"] == .number("4") && incident["type"] == .string("Prisma Cloud"))
        let sent = try await rig.store.events(EventQuery(limit: 10)).first { $0.version == "4" }
        #expect(incident["rawJSON"] == .string(try #require(sent).rawEvent.jsonString()))
        #expect(try await rig.health.delivered == 4)
    }

    @Test("a create answered too late is retried; the search finds the first incident and no second is made")
    func createRetriedAfterTimeout() async throws {
        // The relay waits 4 s for an answer; the create is answered after 8. The margins keep the other requests, answered
        // at once, inside the wait on a machine busy with the whole suite (a 1 s wait failed so there).
        let (rig, receiver, server) = try await Self.start(generation: 6, timeout: 4)
        defer { Task { await server.stop() } }
        await receiver.answerCreatesLate(1, after: .seconds(8))
        try await rig.alert("P-1")
        try await rig.drain(rounds: 1)
        #expect(try await rig.health.delivered == 0)
        try await rig.drain(rounds: 2)
        #expect(await receiver.incidents.count == 1)
        #expect(await receiver.log == ["search", "create 1", "search", "update 1"])
        #expect(try await rig.health.delivered == 1)
    }

    @Test("an incident the search does not see yet is waited for, not created twice")
    func laggingIndex() async throws {
        let (rig, receiver, server) = try await Self.start(generation: 8)
        defer { Task { await server.stop() } }
        await receiver.lagIndex(searches: 2)
        try await rig.alert("P-1")
        try await rig.drain(rounds: 1)
        try await rig.alert("P-1", status: "resolved", version: 2)
        try await rig.drain(rounds: 4)
        #expect(await receiver.incidents.count == 1)
        #expect(await receiver.incidents.first?["status"] == .int(2))
        // Two searches miss the new incident; the relay waits for it, then closes it.
        #expect(await receiver.log == ["search", "create 1", "search", "search", "search", "update 1", "close 1"])
    }

    @Test("a wrong key pauses naming apiKey (6) or apiKeyID (8); a 6/8 mismatch pauses explaining demistoVersion")
    func refusals() async throws {
        let (six, _, server6) = try await Self.start(generation: 6, apiKey: "wrong")
        defer { Task { await server6.stop() } }
        try await six.alert("P-1")
        try await six.drain(rounds: 1)
        var health = try await six.health
        #expect(health.paused && health.message?.contains("Cortex XSOAR 6 refused the API key (HTTP 401)") == true)
        #expect(health.message?.contains("check apiKey") == true && health.message?.contains("wrong") == false)

        let (eight, _, server8) = try await Self.start(generation: 8, apiKeyID: "8")
        defer { Task { await server8.stop() } }
        try await eight.alert("P-1")
        try await eight.drain(rounds: 1)
        health = try await eight.health
        #expect(health.paused && health.message?.contains("apiKeyID is the ID shown beside that key") == true)

        let (mismatch, _, serverM) = try await Self.start(generation: 8, configured: 6)
        defer { Task { await serverM.stop() } }
        try await mismatch.alert("P-1")
        try await mismatch.drain(rounds: 1)
        health = try await mismatch.health
        #expect(health.paused && health.message?.contains("(HTTP 404)") == true)
        #expect(health.message?.contains("set demistoVersion to 8.0 and give apiKeyID") == true)
    }

    @Test("an incident edited in XSOAR between the search and the update is read again and updated in the same delivery")
    func staleVersion() async throws {
        let (rig, receiver, server) = try await Self.start(generation: 6)
        defer { Task { await server.stop() } }
        try await rig.alert("P-1")
        try await rig.drain(rounds: 1)
        await receiver.editBeforeNextUpdate()
        try await rig.alert("P-1", version: 2, description: "Now also writable.")
        try await rig.drain(rounds: 1)
        #expect(await receiver.log == ["search", "create 1", "search", "edited 1", "search", "update 1"])
        #expect(await receiver.incidents.first?["details"] == .string("Now also writable."))
        let health = try await rig.health
        #expect(health.delivered == 2 && health.queueDepth == 0)
    }

    @Test("429 and 5xx are retried, then the incident is created once")
    func retried() async throws {
        let (rig, receiver, server) = try await Self.start(generation: 6)
        defer { Task { await server.stop() } }
        await receiver.fail(with: [429, 503, 502])
        try await rig.alert("P-1")
        try await rig.drain(rounds: 4)
        #expect(await receiver.incidents.count == 1)
        let health = try await rig.health
        #expect(health.delivered == 1 && !health.paused)
    }

    @Test("Test is a read-only search: it creates nothing, and names what is wrong")
    func readOnlyTest() async throws {
        let (rig, receiver, server) = try await Self.start(generation: 8)
        defer { Task { await server.stop() } }
        let passed = try #require(try await rig.engine.test(rig.integration))
        #expect(passed.success && passed.message.contains("a read-only call; nothing was sent"))
        #expect(await receiver.incidents.isEmpty)
        #expect(await receiver.log == ["search"])

        let (wrong, _, other) = try await Self.start(generation: 8, apiKeyID: "9")
        defer { Task { await other.stop() } }
        let failed = try #require(try await wrong.engine.test(wrong.integration))
        #expect(!failed.success && failed.statusCode == 401 && failed.message.contains("apiKeyID"))
    }
}
