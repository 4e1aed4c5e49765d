import HTTPTypes
import HummingbirdTesting
import NIOCore
import Relay
import RelayModel
import RelayStore
import Testing

@Suite("Replicas API")
struct ReplicasAPITests {
    @Test(
        "GET /api/v1/replicas lists each serve with its host, heartbeat, state, the connectors it holds and whether two-way sync is its turn; it needs a key"
    )
    func listsReplicas() async throws {
        // A fixed clock: on a loaded machine the real one could age relay-a's heartbeat past the lost mark.
        let now: Int64 = 1_780_000_000_000
        let api = try await APIHarness(clock: { now })
        try await api.app.store.addConnector(
            ConnectorConfig(name: "prod", apiURL: "https://api.prismacloud.io", accessKeyID: "k", secretKey: Secret("s")))
        try await api.app.store.recordHeartbeat(
            Replica(id: "relay-a", host: "relay-1.internal", pid: 311, version: "0.13.0", startedAt: now - 60_000, heartbeatAt: now - 1_000)
        )
        try await api.app.store.recordHeartbeat(
            Replica(
                id: "relay-b", host: "relay-2.internal", pid: 312, version: "0.13.0", startedAt: now - 90_000, heartbeatAt: now - 40_000))
        _ = try await api.app.store.acquireConnectorLease("prod", owner: "relay-a", now: now, until: now + 30_000)
        _ = try await api.app.store.acquireConnectorLease(ConnectorLease.twoWaySync, owner: "relay-a", now: now, until: now + 60_000)
        try await api.run { client in
            #expect(try await client.call(.get, "/api/v1/replicas", [:]).status == .unauthorized)
            let listed = try await client.call(.get, "/api/v1/replicas", api.bearer)
            #expect(listed.status == .ok)
            guard case .array(let replicas)? = listed.json else {
                Issue.record("not an array: \(listed.text)")
                return
            }
            #expect(replicas.map { $0["id"]?.stringValue } == ["relay-a", "relay-b"])
            #expect(replicas.map { $0["state"]?.stringValue } == ["running", "lost"])
            #expect(replicas[0]["host"]?.stringValue == "relay-1.internal")
            #expect(replicas[0]["pid"] == .int(311))
            #expect(replicas[0]["connectors"] == .array([.string("prod")]))
            #expect(replicas[1]["connectors"] == .array([]))
            // Two-way sync's turn is said apart from the connectors.
            #expect(replicas.map { $0["twoWaySync"] } == [.bool(true), .bool(false)])
            #expect(replicas[0]["lastHeartbeatAt"]?.stringValue == Timestamp.rfc3339(epochMilliseconds: now - 1_000))

            // The console's overview says so too, on the holder's row alone.
            let (token, cookie) = try await ConsoleSessionTests.loginForm(client)
            let signIn = try await client.execute(
                uri: "/console/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded", .cookie: cookie],
                body: ConsoleSessionTests.form(["csrf": token, "keyId": api.keyID, "secret": api.secret]))
            let session = String(try #require(signIn.headers[.setCookie]?.split(separator: ";").first))
            let overview = String(buffer: try await client.execute(uri: "/console", method: .get, headers: [.cookie: session]).body)
            let rows = overview.matches(of: /<tr><td>(relay-\d)\.internal.*?<\/tr>/).map { ($0.1, $0.0.contains("two-way sync")) }
            #expect(rows.map(\.0) == ["relay-1", "relay-2"] && rows.map(\.1) == [true, false], "\(overview)")
        }
    }
}
