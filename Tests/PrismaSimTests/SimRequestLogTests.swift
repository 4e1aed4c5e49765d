import NIOHTTP1
import PrismaSim
import RelayModel
import Testing

@Suite("Simulator: request log")
struct SimRequestLogTests {
    @Test("requests are logged by session, an extended token stays in its login's session, and sessions that overlap are reported")
    func sessionsAndOverlaps() async throws {
        try await withSimulator { sim, client in
            await sim.addRecentAlerts(5)
            let query = #"{"timeRange":{"type":"relative","value":{"amount":1,"unit":"day"}},"limit":10}"#
            let first = try await client.login(sim.user)
            _ = try await client.send(.POST, "/v2/alert", body: query, token: first)
            let extended = try #require(try await client.send(.GET, "/auth_token/extend", token: first).json?["token"]?.stringValue)
            _ = try await client.send(.POST, "/v2/alert", body: query, token: extended)
            // Refused requests are not anyone's session.
            _ = try await client.send(.POST, "/v2/alert", body: query, token: "not-a-token")
            var sessions = await sim.sessions
            #expect(sessions.count == 1)
            #expect(sessions.first?.requests == 4)
            #expect(sessions.first?.accessKeyID == sim.user.accessKeyID)
            #expect(await sim.overlappingSessions.isEmpty)

            // A second login whose requests fall inside the first session's span: two clients at once.
            let second = try await client.login(sim.user)
            _ = try await client.send(.POST, "/v2/alert", body: query, token: first)
            _ = try await client.send(.POST, "/v2/alert", body: query, token: second)
            _ = try await client.send(.POST, "/v2/alert", body: query, token: first)
            sessions = await sim.sessions
            #expect(sessions.count == 2)
            let overlaps = await sim.overlappingSessions
            #expect(overlaps.count == 1)
            #expect(overlaps.first.map { [$0.0.session, $0.1.session] } == sessions.map(\.session))
        }
    }

    @Test("sessions of different access keys at the same time do not overlap")
    func differentKeys() async throws {
        try await withSimulator { sim, client in
            let other = SimUser(accessKeyID: "other-key", secretKey: "other-secret", tenants: sim.user.tenants)
            await sim.addUser(other)
            let mine = try await client.login(sim.user)
            let theirs = try await client.login(other)
            for token in [mine, theirs, mine, theirs] { _ = try await client.send(.GET, "/auth_token/extend", token: token) }
            #expect(await sim.sessions.count == 2)
            #expect(await sim.overlappingSessions.isEmpty)
        }
    }
}
