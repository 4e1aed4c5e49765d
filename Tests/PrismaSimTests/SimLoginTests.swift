import NIOHTTP1
import PrismaSim
import RelayModel
import Testing

@Suite("Simulator: login and tokens")
struct SimLoginTests {
    @Test("a correct access key gets a JWT, login_successful and the tenant list")
    func loginSucceeds() async throws {
        try await withSimulator { sim, client in
            let answer = try await client.send(
                .POST, "/login", body: #"{"username":"\#(sim.user.accessKeyID)","password":"\#(sim.user.secretKey)"}"#)
            #expect(answer.status == 200)
            #expect(answer.json?["message"]?.stringValue == "login_successful")
            #expect(answer.json?["token"]?.stringValue?.split(separator: ".").count == 3)
            #expect(answer.json?["customerNames"]?.arrayValue?.first?["prismaId"]?.stringValue != nil)
        }
    }

    @Test("a wrong secret answers 401 with invalid_credentials in x-redlock-status")
    func wrongSecret() async throws {
        try await withSimulator { sim, client in
            let answer = try await client.send(.POST, "/login", body: #"{"username":"\#(sim.user.accessKeyID)","password":"nope"}"#)
            #expect(answer.status == 401)
            #expect(answer.redlockStatus == #"[{"i18nKey":"invalid_credentials","severity":"error","subject":null}]"#)
            #expect(answer.json?["token"] == nil)
        }
    }

    @Test("a multi-tenant key without prismaId gets login_needs_customer_name and no token")
    func multiTenant() async throws {
        try await withSimulator { sim, client in
            let user = SimUser(
                accessKeyID: "multi", secretKey: "pw",
                tenants: [
                    .init(customerName: "A", prismaId: "1"), .init(customerName: "B", prismaId: "2"),
                ])
            await sim.addUser(user)
            let answer = try await client.send(.POST, "/login", body: #"{"username":"multi","password":"pw"}"#)
            #expect(answer.status == 200)
            #expect(answer.json?["message"]?.stringValue == "login_needs_customer_name")
            #expect(answer.json?["token"] == nil)
            #expect(answer.json?["customerNames"]?.arrayValue?.count == 2)
            let chosen = try await client.send(.POST, "/login", body: #"{"username":"multi","password":"pw","prismaId":"2"}"#)
            #expect(chosen.json?["token"] != nil)
        }
    }

    @Test("routes refuse a missing token, and a token past its lifetime, with 401")
    func tokenLifetime() async throws {
        let clock = ManualClock(1_700_000_000_000)
        try await withSimulator(.init(tokenLifetimeSeconds: 600, rateLimitPerSecond: nil, clock: { clock.now })) { sim, client in
            let missing = try await client.send(.POST, "/v2/alert", body: "{}")
            #expect(missing.status == 401)
            let token = try await client.login(sim.user)
            #expect(try await client.send(.POST, "/v2/alert", body: "{}", token: token).status == 200)
            clock.advance(seconds: 599)
            let extended = try await client.send(.GET, "/auth_token/extend", token: token)
            #expect(extended.status == 200)
            let fresh = try #require(extended.json?["token"]?.stringValue)
            clock.advance(seconds: 1)
            let expired = try await client.send(.POST, "/v2/alert", body: "{}", token: token)
            #expect(expired.status == 401)
            #expect(expired.redlockStatus?.contains("token_expired") == true)
            #expect(try await client.send(.GET, "/auth_token/extend", token: token).status == 401)
            #expect(try await client.send(.POST, "/v2/alert", body: "{}", token: fresh).status == 200)
        }
    }

    @Test("a key without Alerts: View gets 403 on the alert list")
    func forbidden() async throws {
        try await withSimulator { sim, client in
            let user = SimUser(accessKeyID: "ro", secretKey: "pw", canViewAlerts: false, tenants: sim.user.tenants)
            await sim.addUser(user)
            let token = try await client.login(user)
            #expect(try await client.send(.POST, "/v2/alert", body: "{}", token: token).status == 403)
        }
    }
}
