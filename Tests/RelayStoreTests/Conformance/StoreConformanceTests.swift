import Foundation
import RelayModel
import RelayStore
import TestSupport
import Testing

/// A store implementation under test: how to open a fresh one, and how to read what it keeps at rest.
struct StoreUnderTest: Sendable, CustomStringConvertible {
    var description: String
    /// A fresh, empty store.
    var open: @Sendable () async throws -> any RelayStore
    /// Every byte the store keeps at rest (files, WAL) for a store `open` made, to look for secrets in.
    var bytesAtRest: @Sendable (any RelayStore) async throws -> [Data]
    /// The same database opened again, as a restarted process (or another replica) opens it.
    var reopen: @Sendable (any RelayStore) async throws -> any RelayStore

    /// Every implementation: each one runs the whole suite.
    static let all: [StoreUnderTest] = [
        StoreUnderTest(
            description: "SQLite",
            open: { try await StoreLocation.open(try temporaryDatabase()) },
            bytesAtRest: { store in
                ["", "-wal"].compactMap { FileManager.default.contents(atPath: store.location + $0) }
            },
            reopen: { store in try await StoreLocation.open(store.location) }),
        StoreUnderTest(
            description: "PostgreSQL",
            open: { try await TestPostgres.freshStore() },
            bytesAtRest: { store in
                let database = try #require(store.location.split(separator: "/").last?.split(separator: "?").first)
                return try await TestPostgres.bytesAtRest(database: String(database))
            },
            reopen: { store in
                let settings = try #require((store as? PostgresStore)?.settings)
                return try await TestPostgres.open(settings)
            }),
    ]
}

/// The behaviour every `RelayStore` must have, written once and run against each implementation.
@Suite("Store conformance")
struct StoreConformanceTests {
    /// An hour from now: every row the store queued (at its own clock's now) is due by then.
    static let later = Int64(Date().timeIntervalSince1970 * 1000) + 3_600_000
    var later: Int64 { Self.later }

    static let connector = ConnectorConfig(
        name: "prod", apiURL: "https://api.prismacloud.io", accessKeyID: "key-id", secretKey: Secret("CONNECTOR-SECRET-KEY"))

    static func event(_ alert: String, version: Int64 = 1, status: String = "open", severity: String = "high") throws -> NormalizedEvent {
        try AlertNormalizer.normalize(
            try JSONValue.parse(
                #"{"id":"\#(alert)","status":"\#(status)","lastUpdated":\#(version),"policy":{"name":"p","severity":"\#(severity)"}}"#),
            connector: "prod", observedAt: 0)
    }

    /// A store with the connector, a webhook integration and a rule sending it every open and resolved event.
    static func routed(_ kind: StoreUnderTest) async throws -> any RelayStore {
        let store = try await kind.open()
        try await store.addConnector(connector)
        try await store.addIntegration(
            Integration(
                id: "hook", name: "hook", type: .webhook,
                config: ["url": .string("https://hooks.example.com/x"), "authToken": .string("WEBHOOK-SECRET-TOKEN")], createdBy: "t",
                createdTs: 0))
        try await store.addRule(AlertRule(id: "all", name: "all", notifyOnResolved: true, integrationIDs: ["hook"]))
        return store
    }

    @Test("an event seen again is absorbed: same connector, kind, native id and version", arguments: StoreUnderTest.all)
    func dedup(_ kind: StoreUnderTest) async throws {
        let store = try await Self.routed(kind)
        #expect(try await store.commit(events: [try Self.event("P-1"), try Self.event("P-2")], connector: "prod", cursor: nil) == 2)
        #expect(
            try await store.commit(events: [try Self.event("P-1"), try Self.event("P-1", version: 2)], connector: "prod", cursor: nil) == 1)
        #expect(try await store.events(EventQuery()).count == 3)
        #expect(try await store.outbox(integrationID: "hook").count == 3)
    }

    @Test(
        "a different finding whose event id is already taken fails its page's commit, naming the id, instead of being passed over",
        arguments: StoreUnderTest.all)
    func takenEventID(_ kind: StoreUnderTest) async throws {
        let store = try await Self.routed(kind)
        let first = try Self.event("P-1")
        #expect(try await store.commit(events: [first], connector: "prod", cursor: 1) == 1)
        // As if the digest of another finding's identity had collided with P-1's.
        var other = try Self.event("P-2")
        other.id = first.id
        await #expect(throws: StoreError.eventIDTaken(first.id)) {
            try await store.commit(events: [try Self.event("P-3"), other], connector: "prod", cursor: 2)
        }
        #expect(try await store.events(EventQuery()).map(\.nativeID) == ["P-1"])
        #expect(try await store.outbox(integrationID: "hook").count == 1)
        #expect(try await store.state(of: "prod").cursor == 1)
        // The same finding seen again is still absorbed.
        #expect(try await store.commit(events: [first, try Self.event("P-3")], connector: "prod", cursor: 3) == 1)
    }

    @Test("an event whose columns are empty text is stored and read back as it was, not passed over", arguments: StoreUnderTest.all)
    func emptyColumns(_ kind: StoreUnderTest) async throws {
        let store = try await Self.routed(kind)
        var event = try Self.event("P-1")
        (event.status, event.observedAt, event.title) = ("", "", "")
        #expect(try await store.commit(events: [event], connector: "prod", cursor: nil) == 1)
        #expect(try await store.event(id: event.id) == event)
    }

    @Test("a commit that fails stores neither its events, their deliveries nor its cursor", arguments: StoreUnderTest.all)
    func atomicCommit(_ kind: StoreUnderTest) async throws {
        let store = try await Self.routed(kind)
        await #expect(throws: StoreError.unknownConnector("gone")) {
            try await store.commit(events: [try Self.event("P-1")], connector: "gone", cursor: 99)
        }
        #expect(try await store.events(EventQuery()).isEmpty)
        #expect(try await store.outbox(integrationID: nil).isEmpty)
        _ = try await store.commit(events: [try Self.event("P-1")], connector: "prod", cursor: 42)
        #expect(try await store.state(of: "prod").cursor == 42)
        #expect(try await store.outbox(integrationID: "hook").map(\.eventID) == [try Self.event("P-1").id])
    }

    @Test("claims expire and return their rows to the queue; a live claim is no one else's", arguments: StoreUnderTest.all)
    func claimsExpire(_ kind: StoreUnderTest) async throws {
        let store = try await Self.routed(kind)
        _ = try await store.commit(events: [try Self.event("P-1"), try Self.event("P-2")], connector: "prod", cursor: nil)
        let a = try await store.claimDeliveries(integrationID: "hook", owner: "a", now: later + 1_000, until: later + 61_000, limit: 10)
        #expect(a.count == 2)
        #expect(
            try await store.claimDeliveries(integrationID: "hook", owner: "b", now: later + 30_000, until: later + 90_000, limit: 10)
                .isEmpty)
        let b = try await store.claimDeliveries(integrationID: "hook", owner: "b", now: later + 61_000, until: later + 121_000, limit: 10)
        #expect(b.map(\.seq) == a.map(\.seq))
        // Released claims are due again at once.
        try await store.releaseClaims(integrationID: "hook", owner: "b")
        #expect(
            try await store.claimDeliveries(integrationID: "hook", owner: "c", now: later + 62_000, until: later + 122_000, limit: 10).count
                == 2)
    }

    @Test("only the holder of a live claim records an outcome; a worker whose claim was taken over cannot", arguments: StoreUnderTest.all)
    func recordNeedsLiveClaim(_ kind: StoreUnderTest) async throws {
        let store = try await Self.routed(kind)
        _ = try await store.commit(events: [try Self.event("P-1")], connector: "prod", cursor: nil)
        let seq = try #require(
            try await store.claimDeliveries(integrationID: "hook", owner: "a", now: later, until: later + 10_000, limit: 1).first?.seq)
        #expect(
            try await store.recordDeliveries([.init(seq: seq, result: .delivered)], integrationID: "hook", owner: "b", at: later + 5_000)
                == 0)
        #expect(
            try await store.recordDeliveries([.init(seq: seq, result: .delivered)], integrationID: "hook", owner: "a", at: later + 10_001)
                == 0)
        #expect(try await store.renewClaims([seq], owner: "a", now: later + 10_001, until: later + 20_000).isEmpty)
        _ = try await store.claimDeliveries(integrationID: "hook", owner: "b", now: later + 10_001, until: later + 20_000, limit: 1)
        #expect(
            try await store.recordDeliveries([.init(seq: seq, result: .delivered)], integrationID: "hook", owner: "a", at: later + 11_000)
                == 0)
        #expect(try await store.renewClaims([seq], owner: "b", now: later + 11_000, until: later + 30_000) == [seq])
        #expect(
            try await store.recordDeliveries([.init(seq: seq, result: .delivered)], integrationID: "hook", owner: "b", at: later + 12_000)
                == 1)
        let health = try await store.integrationHealth(id: "hook")
        #expect(health.delivered == 1)
        #expect(health.queueDepth == 0)
    }

    @Test(
        "an event delivered with enrichment keeps the first enrichment, which every read returns; a refused record keeps none",
        arguments: StoreUnderTest.all)
    func enrichmentKept(_ kind: StoreUnderTest) async throws {
        let store = try await Self.routed(kind)
        try await store.addIntegration(
            Integration(
                id: "hook2", name: "hook2", type: .webhook,
                config: ["url": .string("https://b.example.com/x"), "authToken": .string("T2")],
                createdBy: "t", createdTs: 0))
        try await store.updateRule(AlertRule(id: "all", name: "all", notifyOnResolved: true, integrationIDs: ["hook", "hook2"]))
        let event = try Self.event("P-1")
        _ = try await store.commit(events: [event], connector: "prod", cursor: nil)
        let first: JSONObject = ["okta": .object(["users": .array([.object(["login": .string("alice@example.com")])])])]
        let second: JSONObject = ["okta": .object(["error": .string("later")])]
        for (integration, enrichment, owner) in [("hook", first, "a"), ("hook2", second, "b")] {
            let seq = try #require(
                try await store.claimDeliveries(integrationID: integration, owner: owner, now: later, until: later + 10_000, limit: 1)
                    .first?
                    .seq)
            // A stranger's record changes nothing, enrichment included.
            let kept = { (object: JSONObject) in
                KeptEnrichment(json: JSONValue.object(object).jsonString(), digest: object == first ? "digest-1" : "digest-2")
            }
            _ = try await store.recordDeliveries(
                [.init(seq: seq, result: .delivered, enrichment: kept(second))], integrationID: integration, owner: "stranger", at: later)
            #expect(
                try await store.recordDeliveries(
                    [.init(seq: seq, result: .delivered, enrichment: kept(enrichment))], integrationID: integration, owner: owner, at: later
                )
                    == 1)
        }
        #expect(try await store.event(id: event.id)?.enrichment == first)
        #expect(try await store.events(EventQuery()).first?.enrichment == first)
        #expect(try await kind.reopen(store).event(id: event.id)?.enrichment == first)
    }

    @Test("two workers claiming at once never get the same row, and together get every row", arguments: StoreUnderTest.all)
    func concurrentClaims(_ kind: StoreUnderTest) async throws {
        let store = try await Self.routed(kind)
        _ = try await store.commit(events: try (1...200).map { try Self.event("P-\($0)") }, connector: "prod", cursor: nil)
        let claims = try await withThrowingTaskGroup(of: [Int64].self) { group in
            for worker in 0..<4 {
                group.addTask {
                    var mine: [Int64] = []
                    while true {
                        let got = try await store.claimDeliveries(
                            integrationID: "hook", owner: "w\(worker)", now: later, until: later + 60_000, limit: 7)
                        if got.isEmpty { return mine }
                        mine += got.map(\.seq)
                    }
                }
            }
            var all: [[Int64]] = []
            for try await claimed in group { all.append(claimed) }
            return all
        }
        let every = claims.flatMap { $0 }
        #expect(every.count == 200)
        #expect(Set(every).count == 200)
    }

    @Test("a later event of an alert is not claimable while an earlier one is pending or claimed", arguments: StoreUnderTest.all)
    func perAlertOrder(_ kind: StoreUnderTest) async throws {
        let store = try await Self.routed(kind)
        _ = try await store.commit(events: [try Self.event("P-1")], connector: "prod", cursor: nil)
        _ = try await store.commit(
            events: [try Self.event("P-1", version: 2, status: "resolved"), try Self.event("P-2")], connector: "prod", cursor: nil)
        let first = try await store.claimDeliveries(integrationID: "hook", owner: "a", now: later, until: later + 60_000, limit: 10)
        #expect(first.map(\.event.nativeID) == ["P-1", "P-2"])
        #expect(first.map(\.event.status) == ["open", "open"])
        #expect(
            try await store.claimDeliveries(integrationID: "hook", owner: "b", now: later + 1, until: later + 60_000, limit: 10).isEmpty)
        // A retried trigger still holds its resolve back.
        let trigger = try #require(first.first)
        try await store.recordDeliveries(
            [.init(seq: trigger.seq, result: .retry(nextAttemptAt: later + 5, error: "503"))], integrationID: "hook", owner: "a",
            at: later + 2)
        #expect(
            try await store.claimDeliveries(integrationID: "hook", owner: "b", now: later + 3, until: later + 60_000, limit: 10).isEmpty)
        let again = try await store.claimDeliveries(integrationID: "hook", owner: "b", now: later + 5, until: later + 60_000, limit: 10)
        #expect(again.map(\.seq) == [trigger.seq])
        try await store.recordDeliveries([.init(seq: trigger.seq, result: .delivered)], integrationID: "hook", owner: "b", at: later + 6)
        let resolve = try await store.claimDeliveries(integrationID: "hook", owner: "b", now: later + 7, until: later + 60_000, limit: 10)
        #expect(resolve.map(\.event.status) == ["resolved"])
    }

    @Test("a connector's lease is one worker's at a time; a new holder's token fences the old one's commits", arguments: StoreUnderTest.all)
    func leasesAndFencing(_ kind: StoreUnderTest) async throws {
        let store = try await Self.routed(kind)
        let a = try #require(try await store.acquireConnectorLease("prod", owner: "a", now: later, until: later + 30_000))
        #expect(try await store.acquireConnectorLease("prod", owner: "b", now: later + 10_000, until: later + 40_000) == nil)
        let renewed = try #require(try await store.acquireConnectorLease("prod", owner: "a", now: later + 20_000, until: later + 50_000))
        #expect(renewed.token == a.token)
        let b = try #require(try await store.acquireConnectorLease("prod", owner: "b", now: later + 50_001, until: later + 80_000))
        #expect(b.token > a.token)
        await #expect(throws: StoreError.leaseLost(connector: "prod")) {
            try await store.commit(events: [try Self.event("P-1")], connector: "prod", cursor: later + 50_000, lease: renewed)
        }
        #expect(try await store.state(of: "prod").cursor == nil)
        #expect(try await store.events(EventQuery()).isEmpty)
        _ = try await store.commit(events: [try Self.event("P-1")], connector: "prod", cursor: later + 50_000, lease: b)
        #expect(try await store.state(of: "prod").cursor == later + 50_000)
        // A released lease is free at once, and its successor's token is larger still.
        try await store.releaseConnectorLease(b)
        let c = try #require(try await store.acquireConnectorLease("prod", owner: "c", now: later + 60_000, until: later + 90_000))
        #expect(c.token > b.token)
    }

    @Test(
        "replicas' heartbeats are seen by all, each with the connector leases and claims it holds; a goodbye says stopped, silence says lost",
        arguments: StoreUnderTest.all)
    func replicaHeartbeats(_ kind: StoreUnderTest) async throws {
        let store = try await Self.routed(kind)
        let a = Replica(id: "a", host: "relay-1", pid: 41, version: "1.0", startedAt: later, heartbeatAt: later)
        try await store.recordHeartbeat(a)
        try await store.recordHeartbeat(
            Replica(id: "b", host: "relay-2", pid: 42, version: "1.0", startedAt: later, heartbeatAt: later + 1))
        _ = try await store.acquireConnectorLease("prod", owner: "a", now: later, until: later + 30_000)
        // Two-way sync's turn is a lease too, but no connector.
        _ = try await store.acquireConnectorLease(ConnectorLease.twoWaySync, owner: "b", now: later, until: later + 30_000)
        _ = try await store.commit(events: [try Self.event("P-1"), try Self.event("P-2")], connector: "prod", cursor: nil)
        _ = try await store.claimDeliveries(integrationID: "hook", owner: "b", now: later, until: later + 60_000, limit: 10)
        var seen = try await store.replicas(now: later + 2)
        #expect(seen.map(\.id) == ["b", "a"])
        #expect(seen.map(\.connectors) == [[], ["prod"]])
        #expect(seen.map(\.twoWaySync) == [true, false])
        #expect(seen.map(\.claimedDeliveries) == [2, 0])
        #expect(seen[1].host == "relay-1" && seen[1].pid == 41 && seen[1].startedAt == later)
        // b says goodbye; a beats again later, and keeps the time it started.
        try await store.recordHeartbeat(
            Replica(id: "b", host: "relay-2", pid: 42, version: "1.0", startedAt: later, heartbeatAt: later + 5, stoppedAt: later + 5))
        try await store.recordHeartbeat(
            Replica(id: "a", host: "relay-1", pid: 41, version: "1.0", startedAt: later + 99, heartbeatAt: later + 10_000))
        seen = try await store.replicas(now: later + 40_000)
        #expect(seen.map(\.id) == ["a", "b"])
        #expect(seen[0].startedAt == later && seen[0].connectors.isEmpty)
        #expect(seen.map { $0.liveness(at: later + 40_000) } == [.lost, .stopped])
        #expect(seen[0].liveness(at: later + 20_000) == .running)
        // A day of silence and a replica is forgotten: b goes with the next heartbeat, a once its day is up.
        try await store.recordHeartbeat(
            Replica(
                id: "c", host: "relay-3", pid: 43, version: "1.0", startedAt: later, heartbeatAt: later + Replica.forgottenAfter + 5_000))
        #expect(try await store.replicas(now: later + Replica.forgottenAfter + 5_000).map(\.id) == ["c", "a"])
        #expect(try await store.replicas(now: later + Replica.forgottenAfter + 20_000).map(\.id) == ["c"])
    }

    @Test("dead letters are listed, queued again or discarded, and never hidden behind GREEN", arguments: StoreUnderTest.all)
    func deadLetters(_ kind: StoreUnderTest) async throws {
        let store = try await Self.routed(kind)
        _ = try await store.commit(events: [try Self.event("P-1"), try Self.event("P-2")], connector: "prod", cursor: nil)
        let claimed = try await store.claimDeliveries(integrationID: "hook", owner: "a", now: later, until: later + 60_000, limit: 10)
        try await store.recordDeliveries(
            claimed.map { .init(seq: $0.seq, result: .dead(reason: "HTTP 400")) }, integrationID: "hook", owner: "a", at: later + 1)
        #expect(try await store.deadLetters(integrationID: "hook").count == 2)
        let health = try await store.integrationHealth(id: "hook")
        #expect(health.status == .yellow)
        #expect(health.deadLetters == 2)
        #expect(try await store.discardDeadLetter(integrationID: "hook", seq: claimed[0].seq))
        #expect(try await store.retryDeadLetters(integrationID: "hook", seq: nil) == 1)
        #expect(
            try await store.claimDeliveries(integrationID: "hook", owner: "a", now: later + 2, until: later + 60_000, limit: 10).map(\.seq)
                == [
                    claimed[1].seq
                ])
        #expect(try await store.deadLetters(integrationID: "hook").isEmpty)
    }

    @Test("secrets come back whole but are never kept in clear at rest", arguments: StoreUnderTest.all)
    func secretsSealedAtRest(_ kind: StoreUnderTest) async throws {
        let store = try await Self.routed(kind)
        #expect(try await store.connector(named: "prod")?.secretKey.reveal() == "CONNECTOR-SECRET-KEY")
        #expect(try await store.integration(id: "hook")?.config["authToken"] == .string("WEBHOOK-SECRET-TOKEN"))
        for bytes in try await kind.bytesAtRest(store) {
            for secret in ["CONNECTOR-SECRET-KEY", "WEBHOOK-SECRET-TOKEN"] { #expect(bytes.range(of: Data(secret.utf8)) == nil) }
        }
        #expect(try await !kind.bytesAtRest(store).isEmpty)
    }

    @Test(
        "a connector's proxy password is sealed with its secret key, comes back with it, and goes when cleared",
        arguments: StoreUnderTest.all)
    func proxyPasswordSealed(_ kind: StoreUnderTest) async throws {
        let store = try await Self.routed(kind)
        var config = Self.connector
        config.proxy = "http://proxy.corp:3128"
        config.proxyUsername = "relay"
        config.proxyPassword = Secret("PROXY-PASSWORD")
        try await store.updateConnector(config)
        let stored = try #require(try await store.connector(named: "prod"))
        #expect(stored.proxyPassword == Secret("PROXY-PASSWORD") && stored.secretKey.reveal() == "CONNECTOR-SECRET-KEY")
        #expect(stored.proxyUsername == "relay" && stored.proxy == "http://proxy.corp:3128")
        for bytes in try await kind.bytesAtRest(store) { #expect(bytes.range(of: Data("PROXY-PASSWORD".utf8)) == nil) }
        config.proxyPassword = nil
        try await store.updateConnector(config)
        let cleared = try #require(try await store.connector(named: "prod"))
        #expect(cleared.proxyPassword == nil && cleared.secretKey.reveal() == "CONNECTOR-SECRET-KEY")
    }

    @Test(
        "console sessions are found by id, keep their drafts sealed, and end by id, by key or when they lapse",
        arguments: StoreUnderTest.all)
    func consoleSessions(_ kind: StoreUnderTest) async throws {
        let store = try await Self.routed(kind)
        let session = ConsoleSession(
            id: "SESSION-ID-COOKIE-VALUE", keyID: "k1", keyName: "ops", role: .admin, csrf: "csrf-token", expiresAt: later,
            flash: .init(kind: "ok", text: "saved"), draftSecrets: ["new": "DRAFT-SECRET-TYPED"])
        try await store.saveConsoleSession(session)
        try await store.saveConsoleSession(
            ConsoleSession(id: "other", keyID: "k2", keyName: "soc", role: .readOnly, csrf: "c2", expiresAt: later))
        try await store.saveConsoleSession(
            ConsoleSession(id: "old", keyID: "k2", keyName: "soc", role: .readOnly, csrf: "c3", expiresAt: 5))
        #expect(try await store.consoleSession(id: "SESSION-ID-COOKIE-VALUE") == session)
        #expect(try await store.consoleSession(id: "session-id-cookie-value") == nil)
        for bytes in try await kind.bytesAtRest(store) {
            for secret in ["SESSION-ID-COOKIE-VALUE", "DRAFT-SECRET-TYPED"] { #expect(bytes.range(of: Data(secret.utf8)) == nil) }
        }
        try await store.removeConsoleSessions(keyID: nil, expiredBefore: 10)
        #expect(try await store.consoleSession(id: "old") == nil)
        #expect(try await store.consoleSession(id: "other") != nil)
        try await store.removeConsoleSessions(keyID: "k2", expiredBefore: 0)
        #expect(try await store.consoleSession(id: "other") == nil)
        try await store.removeConsoleSession(id: "SESSION-ID-COOKIE-VALUE")
        #expect(try await store.consoleSession(id: "SESSION-ID-COOKIE-VALUE") == nil)
    }
}
