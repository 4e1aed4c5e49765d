import Delivery
import Foundation
import HTTPServing
import PrismaSim
import RelayHTTP
import RelayModel
import RelayStore
import TestSupport
import Testing

/// Okta, Qualys and Tenable as enrichment sources: what an event names, what each source is asked and answers, and
/// how the engine holds events for their lookups and lets them go.
@Suite("Enrichment with Okta, Qualys and Tenable")
struct EnrichmentTests {
    static let alert = #"""
        {"id":"P-1","status":"open","lastUpdated":1763800000000,"policy":{"name":"EC2 open to the world","severity":"high"},
         "alertAttribution":{"resourceCreatedBy":"Alice@Example.com","attributionEventList":[{"username":"arn:aws:sts::111:assumed-role/Admin/bob@example.com","event":"RunInstances"},{"username":"root"}]},
         "resource":{"id":"i-0abc123def4567890","name":"web-1","cloudType":"aws","accountId":"111",
          "data":{"instanceId":"i-0abc123def4567890","privateIpAddress":"10.0.1.23","publicIpAddress":"54.1.2.3","privateDnsName":"ip-10-0-1-23.ec2.internal",
           "networkInterfaces":[{"privateIpAddress":"10.0.1.23","association":{"publicIp":"54.1.2.3"}}],"tags":[{"key":"Owner","value":"carol@example.com"},{"key":"env","value":"prod"}]}}}
        """#

    static func event(_ id: String = "P-1", ip: String = "10.0.1.23", version: Int64 = 1_763_800_000_000) throws -> NormalizedEvent {
        let text = alert.replacingOccurrences(of: #""id":"P-1""#, with: #""id":"\#(id)""#).replacingOccurrences(of: "10.0.1.23", with: ip)
            .replacingOccurrences(of: "1763800000000", with: String(version))
        return try AlertNormalizer.normalize(try JSONValue.parse(Array(text.utf8)), connector: "prod", observedAt: 1_763_800_001_000)
    }

    @Test("golden: the identities and hosts an alert and a Compute incident name")
    func subjects() throws {
        let subjects = EnrichmentSubjects(try Self.event())
        #expect(subjects.identities == ["alice@example.com", "bob@example.com", "carol@example.com"])
        #expect(subjects.ips == ["10.0.1.23", "54.1.2.3"])
        #expect(subjects.instanceIDs == ["i-0abc123def4567890"])
        #expect(subjects.dnsNames == ["ip-10-0-1-23.ec2.internal"])
        let incident = try JSONValue.parse(
            Array(
                #"{"_id":"6637","hostname":"ip-10-0-1-23.ec2.internal","fqdn":"ip-10-0-1-23.ec2.internal","resourceID":"i-0abc123def4567890","audits":[{"user":"root"},{"user":"dev@example.com"}]}"#
                    .utf8))
        var compute = try Self.event()
        compute.rawEvent = incident
        let fromIncident = EnrichmentSubjects(compute)
        #expect(fromIncident.identities == ["dev@example.com"] && fromIncident.ips.isEmpty)
        #expect(fromIncident.instanceIDs == ["i-0abc123def4567890"] && fromIncident.dnsNames == ["ip-10-0-1-23.ec2.internal"])
        // Tags as a plain object (Azure, GCP labels) or with AWS's capitalized names; a DNS name in capitals.
        let other = try JSONValue.parse(
            Array(
                #"{"resource":{"data":{"tags":{"CONTACT":"Dave@Example.com","team":"erin@example.com"},"publicDnsName":"EC2-54-1-2-3.Compute.AmazonAWS.com"}},"alertAttribution":{"attributionEventList":[{"username":"frank@example.com"}]}}"#
                    .utf8))
        compute.rawEvent = other
        let fromObjectTags = EnrichmentSubjects(compute)
        #expect(fromObjectTags.identities == ["frank@example.com", "dave@example.com"])
        #expect(fromObjectTags.dnsNames == ["ec2-54-1-2-3.compute.amazonaws.com"])
        compute.rawEvent = try JSONValue.parse(Array(#"{"resource":{"data":{"tags":[{"Key":"email","Value":"gina@example.com"}]}}}"#.utf8))
        #expect(EnrichmentSubjects(compute).identities == ["gina@example.com"])
    }

    @Test(
        "an event read back from the store names the same people and hosts, its raw event read only for the fields they come from"
    )
    func subjectsOfStoredEvents() throws {
        let raws = [
            try Self.event().rawEvent,
            try JSONValue.parse(
                #"{"_id":"6637","hostname":"h.example.com","resourceID":"i-0abc123def4567890","audits":[{"user":"dev@example.com"}],"x":{"y":[1,2]}}"#
            ),
            try JSONValue.parse(
                #"{"resource":{"data":{"tags":{"CONTACT":"Dave@Example.com"},"publicDnsName":"EC2.Example.com","big":"\#(String(repeating: "z", count: 300))"}}}"#
            ),
        ]
        for raw in raws {
            var event = try Self.event()
            event.rawEvent = raw
            let read = try NormalizedEvent(storedJSON: event.jsonValue.jsonBytes())
            let subjects = EnrichmentSubjects(read)
            #expect(!subjects.isEmpty)
            #expect(subjects == EnrichmentSubjects(event))
            // Only what names them was read; the raw event itself is still whole, and written out as it was.
            let partial = read.rawSubjectFields
            #expect(partial != raw && partial["policy"] == nil && partial["x"] == nil && partial["resource"]?["data"]?["big"] == nil)
            #expect(read.rawEvent == raw && read.jsonValue.jsonBytes() == event.jsonValue.jsonBytes())
        }
    }

    @Test("golden: what counts as an IP address: four parts of one to three digits under 256, or an IPv6 address")
    func ipAddresses() {
        let cases: [(String, Bool)] = [
            ("10.0.1.23", true), ("255.255.255.255", true), ("0.0.0.0", true), ("01.2.3.4", true), ("::1", true),
            ("fe80::1ff:fe23:4567:890a", true), ("256.1.1.1", false), ("1.2.3", false), ("1.2.3.4.5", false), ("1..2.3", false),
            ("1.2.3.", false), (".1.2.3", false), ("1234.1.1.1", false), ("a.b.c.d", false), ("", false), ("1.2.3.4 ", false),
        ]
        for (text, expected) in cases { #expect(EnrichmentSubjects.isIPAddress(text) == expected, "\(text)") }
    }

    @Test("golden: what counts as a login: an e-mail address, lowercased, or an IAM ARN's last part when it is one")
    func logins() {
        let cases: [(String, String?)] = [
            ("Alice.Smith@Example.COM", "alice.smith@example.com"),
            ("arn:aws:sts::123456789012:assumed-role/Admin/Bob@example.com", "bob@example.com"),
            ("o'brien+ops@corp.example.io", "o'brien+ops@corp.example.io"),
            ("arn:aws:iam::123456789012:user/deploy", nil), ("root", nil), ("@example.com", nil), ("a@example", nil),
            ("a@example.c", nil), ("a@example.c0m", nil), ("a@@example.com", nil), ("a@exa mple.com", nil), ("a@.example.com", nil),
            ("a@example..com", nil), ("a@example.com.", nil), ("jörg@example.com", nil),
        ]
        for (text, expected) in cases { #expect(EnrichmentSubjects.login(text) == expected, "\(text)") }
    }

    static let oktaUsers = [
        SimOkta.User(
            id: "00u1", login: "alice@example.com",
            factors: [("push", "ACTIVE"), ("sms", "PENDING_ACTIVATION"), ("token:software:totp", "ACTIVE")],
            roles: ["SUPER_ADMIN"], groups: (1...7).map { "group-\($0)" }),
        SimOkta.User(id: "00u2", login: "bob@example.com", status: "SUSPENDED", lastLogin: nil),
    ]

    @Test("golden: Okta is asked for the user by login, then its factors, roles and groups (following Link), with SSWS")
    func oktaLookup() async throws {
        let receiver = SimOkta(token: "okta-token", users: Self.oktaUsers, pageSize: 5)
        let server = try await receiver.serve()
        defer { Task { await server.stop() } }
        let source = OktaSource(
            config: .init(["domain": .string("example.okta.com"), "apiToken": .string("okta-token")]), base: server.url, clock: { 0 })
        let http = HTTPExchange(policy: .allowingLoopback)
        let alice = try await source.lookup(EnrichmentKey("user", "alice@example.com"), over: http)
        #expect(
            await receiver.requests == [
                "/api/v1/users/alice%40example.com", "/api/v1/users/00u1/factors", "/api/v1/users/00u1/roles", "/api/v1/users/00u1/groups",
                "/api/v1/users/00u1/groups",
            ])
        #expect(
            alice?.jsonString()
                == #"{"login":"alice@example.com","id":"00u1","status":"ACTIVE","lastLogin":"2026-11-30T08:00:00.000Z","mfaFactors":["push","token:software:totp"],"adminRoles":["SUPER_ADMIN"],"isAdmin":true,"groups":["group-1","group-2","group-3","group-4","group-5","group-6","group-7"]}"#
        )
        #expect(try await source.lookup(EnrichmentKey("user", "nobody@example.com"), over: http) == nil)
        #expect(await source.probe(over: http) == .delivered)
        let wrong = OktaSource(config: .init(["domain": .string("x"), "apiToken": .string("nope")]), base: server.url, clock: { 0 })
        guard case .credentialsRefused(let reason, 401) = await wrong.probe(over: http) else { throw Unexpected() }
        #expect(reason.contains("E0000011") && reason.contains("check apiToken") && !reason.contains("nope"))
    }

    static let assets = [
        SimTenable.Asset(
            id: "a1b2", ipv4: ["10.0.1.23"], fqdn: ["ip-10-0-1-23.ec2.internal"], instanceIDs: ["i-0abc123def4567890"],
            vulnerabilities: [
                .init(pluginID: 1001, name: "OpenSSL < 3.0.7", severity: 4, vpr: 9.8),
                .init(pluginID: 1002, name: "Weak ciphers", severity: 2, vpr: 3.1),
                .init(pluginID: 1003, name: "Kernel LPE", severity: 3, vpr: 8.4),
                .init(pluginID: 1004, name: "TLS 1.0", severity: 2, vpr: nil),
                .init(pluginID: 1005, name: "sudo heap overflow", severity: 3, vpr: 7.4),
                .init(pluginID: 1006, name: "Host info", severity: 0, vpr: nil),
                .init(pluginID: 1007, name: "curl CVE", severity: 4, vpr: 6.7),
            ])
    ]

    @Test("golden: Tenable's asset search per host kind, and an asset's counts per severity and five highest by VPR")
    func tenableLookup() async throws {
        let receiver = SimTenable(accessKey: "ak", secretKey: "sk", assets: Self.assets)
        let server = try await receiver.serve()
        defer { Task { await server.stop() } }
        let source = TenableSource(config: .init(["accessKey": .string("ak"), "secretKey": .string("sk")]), base: server.url, clock: { 0 })
        #expect(
            source.assetsPath(EnrichmentKey("instance", "i-0abc123def4567890"))
                == "/workbenches/assets?filter.0.filter=aws_ec2_instance_id&filter.0.quality=eq&filter.0.value=i-0abc123def4567890&filter.search_type=and"
        )
        let http = HTTPExchange(policy: .allowingLoopback)
        let host = try #require(try await source.lookup(EnrichmentKey("ip", "10.0.1.23"), over: http))
        #expect(
            host.jsonString()
                == #"{"subject":"ip:10.0.1.23","assetId":"a1b2","lastSeen":"2026-12-01T06:00:00.000Z","vulnerabilities":{"critical":2,"high":2,"medium":2,"low":0,"info":1},"top":[{"pluginId":1001,"pluginName":"OpenSSL < 3.0.7","vpr":9.8,"severity":"critical"},{"pluginId":1003,"pluginName":"Kernel LPE","vpr":8.4,"severity":"high"},{"pluginId":1005,"pluginName":"sudo heap overflow","vpr":7.4,"severity":"high"},{"pluginId":1007,"pluginName":"curl CVE","vpr":6.7,"severity":"critical"},{"pluginId":1002,"pluginName":"Weak ciphers","vpr":3.1,"severity":"medium"}]}"#
        )
        #expect(try await source.lookup(EnrichmentKey("dns", "unknown.example.com"), over: http) == nil)
        #expect(await source.probe(over: http) == .delivered)
        let wrong = TenableSource(config: .init(["accessKey": .string("ak"), "secretKey": .string("bad")]), base: server.url, clock: { 0 })
        guard case .credentialsRefused(let reason, 401) = await wrong.probe(over: http) else { throw Unexpected() }
        #expect(reason.contains("check accessKey and secretKey"))
    }

    static func reference(_ name: String) throws -> String {
        try String(
            contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Reference/\(name)"),
            encoding: .utf8)
    }

    @Test("golden: Qualys' recorded detection list and KnowledgeBase are read as xmltodict reads them, and summarized")
    func qualysXML() async throws {
        let text = try Self.reference("qualys-vm-detection.xml")
        let host = try #require(try QualysXML.detectionHost(text))
        let expected = try JSONValue.parse(Array(try await ReferenceTool.run("qualys_xml.py", input: Data(text.utf8)).utf8))
        #expect(
            host.id == expected["id"]?.stringValue && host.ip == expected["ip"]?.stringValue && host.dns == expected["dns"]?.stringValue)
        #expect(host.lastScan == expected["lastScan"]?.stringValue)
        #expect(
            host.detections.map { "\($0.qid):\($0.severity)" }
                == (expected["detections"]?.arrayValue ?? []).map {
                    "\($0.arrayValue?[0].stringValue ?? ""):\($0.arrayValue?[1].int64Value ?? 0)"
                })
        let titles = try QualysXML.titles(try Self.reference("qualys-kb.xml"))
        #expect(titles["376521"] == "OpenSSH Remote Code Execution Vulnerability (regreSSHion)" && titles.count == 3)
        #expect(
            QualysSource.summary(key: EnrichmentKey("ip", "10.0.1.23"), host: host, titles: titles).jsonString()
                == #"{"subject":"ip:10.0.1.23","hostId":"184753221","ip":"10.0.1.23","dns":"ip-10-0-1-23.ec2.internal","lastScan":"2026-12-03T21:58:40Z","detections":{"5":2,"4":1,"3":1,"2":1,"1":1},"top":[{"qid":"376000","severity":5,"title":"Apache Log4j Remote Code Execution (Log4Shell)"},{"qid":"376521","severity":5,"title":"OpenSSH Remote Code Execution Vulnerability (regreSSHion)"},{"qid":"105943","severity":4,"title":"EOL/Obsolete Operating System: Amazon Linux 2 Detected"},{"qid":"38739","severity":3,"title":null},{"qid":"11827","severity":2,"title":null}]}"#
        )
        #expect(
            QualysSource.detectionPath(ip: "10.0.1.23")
                == "/api/2.0/fo/asset/host/vm/detection/?action=list&ips=10.0.1.23&status=New,Active,Re-Opened&show_results=0&truncation_limit=10"
        )
        #expect(throws: QualysXML.Unexpected.self) { try QualysXML.detectionHost("<SIMPLE_RETURN><RESPONSE/></SIMPLE_RETURN>") }
        #expect(QualysXML.simpleReturn(QualysReceiver.simpleReturn("2000", "Bad Login/Password"))?.code == "2000")
    }

    static let qualysHosts = [
        QualysReceiver.Host(id: "184753221", ip: "10.0.1.23", dns: "ip-10-0-1-23.ec2.internal", detections: [("376521", 5), ("38739", 3)])
    ]
    static let qualysTitles = ["376521": "OpenSSH Remote Code Execution Vulnerability (regreSSHion)", "38739": "Deprecated SSH ciphers"]

    /// A webhook rig with Okta, Tenable and Qualys sources configured.
    struct Rig {
        let rig: DeliveryRig
        let hook: WebhookReceiver
        let okta: SimOkta
        let tenable: SimTenable
        let qualys: QualysReceiver
        let servers: [HTTPServerHandle]

        func stop() async { for server in servers { await server.stop() } }

        func health(_ id: String) async throws -> IntegrationHealth { try await rig.store.integrationHealth(id: id) }

        func commit(_ events: [NormalizedEvent]) async throws {
            _ = try await rig.store.commit(events: events, connector: "prod", cursor: nil)
        }

        /// What the webhook received, by native id, last version last.
        func delivered() async -> [JSONValue] { await hook.received.map(\.body) }
    }

    static func rig(
        qualysLatency: Duration = .zero, startingAt start: Int64 = 1_763_800_000_000, sources: Set<String> = ["okta", "tenable", "qualys"]
    ) async throws -> Rig {
        let hook = WebhookReceiver(token: "hook-token")
        let okta = SimOkta(token: "okta-token", users: Self.oktaUsers)
        let tenable = SimTenable(accessKey: "ak", secretKey: "sk", assets: Self.assets)
        let qualys = QualysReceiver(login: "q", password: "qp", hosts: Self.qualysHosts, titles: Self.qualysTitles, latency: qualysLatency)
        let servers = [try await hook.serve(), try await okta.serve(), try await tenable.serve(), try await qualys.serve()]
        let rig = try await DeliveryRig.start(
            .webhook, config: .object(["url": .string(servers[0].url + "/hook"), "authToken": .string("hook-token")]), id: "hook",
            settings: DeliverySettings(maxAttempts: 4, concurrency: 2),
            environment: [
                "PRISMA_RELAY_OKTA_URL": servers[1].url, "PRISMA_RELAY_TENABLE_URL": servers[2].url,
                "PRISMA_RELAY_QUALYS_URL": servers[3].url,
            ], startingAt: start)
        let configs: [(IntegrationType, JSONValue)] = [
            (.okta, .object(["domain": .string("example.okta.com"), "apiToken": .string("okta-token")])),
            (.tenable, .object(["accessKey": .string("ak"), "secretKey": .string("sk")])),
            (.qualys, .object(["baseUrl": .string("qualysapi.qualys.com"), "login": .string("q"), "password": .string("qp")])),
        ]
        for (type, config) in configs where sources.contains(type.rawValue) {
            try await rig.store.addIntegration(
                Integration(
                    id: type.rawValue, name: type.rawValue, type: type,
                    config: try DestinationRegistry.standard.schema(type).validate(config),
                    createdBy: "test", createdTs: rig.clock.now))
        }
        return Rig(rig: rig, hook: hook, okta: okta, tenable: tenable, qualys: qualys, servers: servers)
    }

    @Test("a delivered event carries enrichment.okta, .tenable and .qualys; its normalized fields and raw_event are unchanged")
    func enrichedDelivery() async throws {
        let r = try await Self.rig()
        defer { Task { await r.stop() } }
        let event = try Self.event()
        try await r.commit([event])
        try await r.rig.drain(rounds: 1)
        let body = try #require(await r.delivered().first)
        let okta = try #require(body["enrichment"]?["okta"]?["users"]?.arrayValue)
        #expect(okta.map { $0["login"] } == [.string("alice@example.com"), .string("bob@example.com")])
        #expect(okta.first?["isAdmin"] == .bool(true) && okta.last?["status"] == .string("SUSPENDED"))
        #expect(body["enrichment"]?["tenable"]?["hosts"]?.arrayValue?.map { $0["assetId"] } == [.string("a1b2")])
        #expect(body["enrichment"]?["qualys"]?["hosts"]?.arrayValue?.first?["top"]?.arrayValue?.first?["qid"] == .string("376521"))
        #expect(body["enrichment"]?["okta"]?["error"] == nil)
        var unchanged = body.objectValue ?? [:]
        unchanged["enrichment"] = nil
        #expect(JSONValue.object(unchanged) == event.jsonValue)
        #expect(try await r.health("okta").status == .green)
    }

    @Test("lookups are cached and asked once per batch: twenty events naming one user and host cost one lookup each")
    func cachedAndDeduplicated() async throws {
        let r = try await Self.rig(sources: ["okta", "tenable"])
        defer { Task { await r.stop() } }
        try await r.commit((1...20).map { try! Self.event("P-\($0)") })
        try await r.rig.drain(rounds: 1)
        #expect(await r.delivered().count == 20)
        let first = await r.okta.requests.filter { $0 == "/api/v1/users/alice%40example.com" }.count
        #expect(first == 1)
        let searches = await r.tenable.requests.filter { $0.hasPrefix("/workbenches/assets?") }.count
        // One search per host key: two addresses, one instance id, one DNS name.
        #expect(searches == 4)
        try await r.commit((21...30).map { try! Self.event("P-\($0)") })
        try await r.rig.drain(rounds: 1)
        #expect(await r.delivered().count == 30)
        #expect(await r.okta.requests.filter { $0 == "/api/v1/users/alice%40example.com" }.count == 1)
        #expect(await r.tenable.requests.filter { $0.hasPrefix("/workbenches/assets?") }.count == 4)
        // Events served from the cache carry what the first ones did.
        let all = await r.delivered()
        #expect(Set(all.map { $0["enrichment"] ?? .null }).count == 1 && all[0]["enrichment"]?["okta"] != nil)
        // Past the answers' time to live, the user is asked again and later events carry what Okta says now.
        await r.okta.setStatus("SUSPENDED", of: "alice@example.com")
        r.rig.clock.advance(seconds: 16 * 60)
        try await r.commit([try Self.event("P-31")])
        try await r.rig.drain(rounds: 1)
        #expect(await r.okta.requests.filter { $0 == "/api/v1/users/alice%40example.com" }.count == 2)
        let alice = await r.delivered().last?["enrichment"]?["okta"]?["users"]?.arrayValue?.first
        #expect(alice?["login"] == .string("alice@example.com") && alice?["status"] == .string("SUSPENDED"))
    }

    @Test("a source down past the hold-back lets events through with enrichment.okta.error, shows RED, and recovers by itself")
    func sourceDown() async throws {
        let r = try await Self.rig(sources: ["okta"])
        defer { Task { await r.stop() } }
        await r.okta.setDown(true)
        try await r.commit([try Self.event("P-1")])
        try await r.rig.engine.deliverDue(r.rig.integration)
        // Held: nothing sent yet, nothing lost.
        #expect(await r.delivered().isEmpty)
        var okta = try await r.health("okta")
        #expect(okta.status == .red && okta.message?.contains("Okta answered HTTP 503") == true)
        #expect(try await r.rig.store.outbox(integrationID: "hook").count == 1)
        r.rig.clock.advance(seconds: 31)
        try await r.rig.engine.deliverDue(r.rig.integration)
        let late = try #require(await r.delivered().first)
        #expect(late["enrichment"]?["okta"]?["error"]?.stringValue?.contains("okta: Okta answered HTTP 503") == true)
        #expect(late["enrichment"]?["okta"]?["users"] == .array([]))
        await r.okta.setDown(false)
        r.rig.clock.advance(seconds: 10)
        try await r.commit([try Self.event("P-2")])
        try await r.rig.engine.deliverDue(r.rig.integration)
        let recovered = try #require(await r.delivered().last)
        #expect(recovered["native_id"] == .string("P-2") && recovered["enrichment"]?["okta"]?["error"] == nil)
        okta = try await r.health("okta")
        #expect(okta.status == .green)
        #expect(try await r.rig.health.deadLetters == 0)
    }

    @Test("Okta's 429 (E0000047) holds events while the rate limit lasts (YELLOW), then they go out enriched")
    func oktaRateLimited() async throws {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let r = try await Self.rig(startingAt: now, sources: ["okta"])
        defer { Task { await r.stop() } }
        await r.okta.setBudget(0)
        try await r.commit([try Self.event("P-1")])
        try await r.rig.engine.deliverDue(r.rig.integration)
        #expect(await r.delivered().isEmpty)
        let limited = try await r.health("okta")
        #expect(limited.status == .yellow && limited.message?.contains("E0000047") == true)
        await r.okta.setBudget(100)
        // Past the reset Okta named: a second after its answer by the real clock, which on a loaded machine may have
        // run well ahead of the rig's clock since the rig started.
        let behind = max(0, Int64(Date().timeIntervalSince1970 * 1000) - r.rig.clock.now)
        r.rig.clock.advance(milliseconds: behind + 25_000)
        try await r.rig.engine.deliverDue(r.rig.integration)
        let body = try #require(await r.delivered().first)
        #expect(body["enrichment"]?["okta"]?["users"]?.arrayValue?.count == 2 && body["enrichment"]?["okta"]?["error"] == nil)
        #expect(try await r.health("okta").status == .green)
    }

    @Test("Qualys calls stay under its concurrency limit, and a 409 with X-RateLimit-ToWait-Sec is waited out")
    func qualysLimits() async throws {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let r = try await Self.rig(qualysLatency: .milliseconds(100), startingAt: now, sources: ["qualys"])
        defer { Task { await r.stop() } }
        try await r.commit((1...8).map { try! Self.event("P-\($0)", ip: "10.0.2.\($0)") })
        try await r.rig.drain(rounds: 3)
        #expect(await r.delivered().count == 8)
        #expect(await r.qualys.mostAtOnce <= 2)
        await r.qualys.fail(with: [409])
        try await r.commit([try Self.event("P-20", ip: "10.0.1.23")])
        try await r.rig.engine.deliverDue(r.rig.integration)
        let limited = try await r.health("qualys")
        #expect(limited.status == .yellow && limited.message?.contains("rate or concurrency limit reached") == true)
        #expect(await r.delivered().count == 8)
        r.rig.clock.advance(seconds: 5)
        try await r.rig.engine.deliverDue(r.rig.integration)
        let body = try #require(await r.delivered().last)
        #expect(body["native_id"] == .string("P-20"))
        #expect(body["enrichment"]?["qualys"]?["hosts"]?.arrayValue?.first?["hostId"] == .string("184753221"))
    }

    @Test("Test of each source is a read-only call that names what is wrong")
    func probes() async throws {
        let r = try await Self.rig()
        defer { Task { await r.stop() } }
        for id in ["okta", "tenable", "qualys"] {
            let integration = try #require(try await r.rig.store.integration(id: id))
            let result = try #require(try await r.rig.engine.test(integration))
            #expect(result.success && result.message.contains("a read-only call; nothing was sent"), "\(id): \(result.message)")
        }
        var wrong = try #require(try await r.rig.store.integration(id: "qualys"))
        wrong.config["password"] = .string("wrong")
        let refused = try #require(try await r.rig.engine.test(wrong))
        #expect(!refused.success && refused.statusCode == 401 && refused.message.contains("check login and password"))
        #expect(await r.okta.requests.allSatisfy { $0.hasPrefix("/api/v1/users") })
    }

    struct Unexpected: Error {}
}

@Suite("Alert rules on enrichment")
struct EnrichmentRuleTests {
    static let enrichment: JSONObject = [
        "okta": .object([
            "users": .array([
                .object(["login": .string("a@example.com"), "status": .string("ACTIVE"), "isAdmin": .bool(false), "mfaFactors": .array([])])
            ])
        ]),
        "tenable": .object(["hosts": .array([.object(["vulnerabilities": .object(["critical": .int(0), "high": .int(2)])])])]),
        "qualys": .object(["hosts": .array([.object(["detections": .object(["5": .int(1), "4": .int(0)])])])]),
    ]

    @Test("golden: which conditions hold for an enrichment")
    func conditions() {
        let held = EnrichmentCondition.allCases.filter { $0.holds(in: Self.enrichment) }
        #expect(held == [.oktaNoMFA, .hostCritical, .hostHigh])
        #expect(EnrichmentCondition.allCases.allSatisfy { !$0.holds(in: [:]) })
        #expect(!EnrichmentCondition.oktaAdmin.holds(in: ["okta": .object(["error": .string("down")])]))
    }

    @Test("a rule's enrichment conditions decide at delivery: filtered with why, or sent raised to the rule's severity")
    func decide() throws {
        var event = try EnrichmentTests.event()
        event.severity = .medium
        event.enrichment = Self.enrichment
        var admins = AlertRule(id: "r1", name: "admins", integrationIDs: ["hook"], raiseSeverityTo: .high)
        admins.filters.enrichment = [.oktaAdmin]
        let refused = AlertRouter.decide(event, for: "hook", rules: [admins])
        #expect(refused.send == nil && refused.why == "no rule's enrichment condition held: admins needs okta.admin")
        var exposed = admins
        exposed.name = "exposed hosts"
        exposed.filters.enrichment = [.oktaAdmin, .hostCritical]
        let raised = try #require(AlertRouter.decide(event, for: "hook", rules: [admins, exposed]).send)
        #expect(raised.severity == .high && raised.originalSeverity == event.originalSeverity)
        #expect(raised.enrichment["rules"] == .object(["severityRaisedFrom": .string("medium"), "by": .string("exposed hosts")]))
        let plain = AlertRule(id: "r3", name: "all", integrationIDs: ["hook"])
        #expect(AlertRouter.decide(event, for: "hook", rules: [admins, plain]).send?.severity == .medium)
        #expect(AlertRouter.decide(event, for: "other", rules: [admins]).send == event)
    }

    @Test("through the engine: an event naming an Okta admin goes out raised to high; one naming no admin is filtered, visibly")
    func filteredAndRaised() async throws {
        let r = try await EnrichmentTests.rig(sources: ["okta"])
        defer { Task { await r.stop() } }
        var rule = AlertRule(
            id: "all", name: "admins only", notifyOnResolved: true, notifyOnDismissed: true, integrationIDs: ["hook"],
            raiseSeverityTo: .high)
        rule.filters.enrichment = [.oktaAdmin]
        try await r.rig.store.updateRule(rule)
        func alert(_ id: String, by person: String) throws -> NormalizedEvent {
            try AlertNormalizer.normalize(
                try JSONValue.parse(
                    Array(
                        #"{"id":"\#(id)","status":"open","lastUpdated":1,"policy":{"name":"p","severity":"medium"},"alertAttribution":{"resourceCreatedBy":"\#(person)"}}"#
                            .utf8)), connector: "prod", observedAt: 0)
        }
        let admin = try alert("P-1", by: "alice@example.com")
        let developer = try alert("P-2", by: "bob@example.com")
        try await r.commit([admin, developer])
        try await r.rig.drain(rounds: 1)
        let delivered = await r.delivered()
        #expect(delivered.map { $0["native_id"] } == [.string("P-1")])
        #expect(delivered.first?["severity"] == .string("high") && delivered.first?["original_severity"] == .string("medium"))
        let states = try await r.rig.store.deliveries(eventIDs: [developer.id])[developer.id] ?? []
        #expect(states.map(\.state) == ["filtered"])
        #expect(states.first?.lastError == "no rule's enrichment condition held: admins only needs okta.admin")
        let health = try await r.rig.health
        #expect(health.queueDepth == 0 && health.deadLetters == 0)
    }
}
