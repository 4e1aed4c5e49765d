import HTTPServing
import PrismaAPI
import PrismaSim
import RelayModel
import Testing

@Suite("CSPM client against the simulator")
struct CSPMClientTests {
    @Test("follows every page to the end, without a per-poll cap")
    func followsAllPages() async throws {
        let harness = try await Harness.start(alerts: 1234)
        defer { Task { await harness.stop() } }
        let (ids, pages) = try await collectIDs(harness.client(), everything)
        #expect(ids.count == 1234)
        #expect(Set(ids).count == 1234)
        #expect(pages == 25)
    }

    @Test("a URL in plain http:// to Prisma Cloud's own hosts sends nothing, the secret least: the error says to use https://")
    func plainHTTPSendsNothing() async throws {
        let cspm = CSPMClient(credentials: .init(apiURL: "http://api.prismacloud.io", accessKeyID: "k", secretKey: Secret("s")))
        await #expect(throws: PrismaClientError.plainHTTP(url: "http://api.prismacloud.io")) { try await cspm.login() }
        let console = "http://us-east1.cloud.twistlock.com/us-1-123456789"
        let compute = ComputeClient(credentials: .init(consoleURL: console, username: "k", password: Secret("s")))
        await #expect(throws: PrismaClientError.plainHTTP(url: console)) { try await compute.login() }
        #expect(PrismaClientError.plainHTTP(url: console).description.contains("nothing was sent; change it to https://"))
    }

    @Test("logs in again when the token expires in the middle of paging, and repeats the page")
    func reloginMidPaging() async throws {
        let harness = try await Harness.start(alerts: 300, faults: SimFaults(expireTokenAfterPages: 2))
        defer { Task { await harness.stop() } }
        let client = harness.client()
        let (ids, _) = try await collectIDs(client, everything)
        #expect(Set(ids).count == 300)
        #expect(await client.logins == 3)
    }

    @Test("backs off on a burst of 429s for as long as X-RateLimit headers say, then continues")
    func rateLimitBurst() async throws {
        let harness = try await Harness.start(alerts: 120, faults: SimFaults(rateLimited: 10))
        defer { Task { await harness.stop() } }
        let (ids, _) = try await collectIDs(harness.client(), everything)
        #expect(Set(ids).count == 120)
        let waits = await harness.recorder.waits
        #expect(waits.count == 10)
        #expect(waits.allSatisfy { $0 >= .milliseconds(500) })
    }

    @Test("retries 503 honouring Retry-After, then delivers every alert")
    func serverErrors() async throws {
        let harness = try await Harness.start(alerts: 80, faults: SimFaults(serverErrors: 3))
        defer { Task { await harness.stop() } }
        let (ids, _) = try await collectIDs(harness.client(), everything)
        #expect(Set(ids).count == 80)
        #expect(await harness.recorder.waits.count == 3)
        #expect(await harness.recorder.waits.allSatisfy { $0 >= .seconds(1) })
    }

    @Test("gives up after the capped number of attempts with a retriable error")
    func retriesCapped() async throws {
        let harness = try await Harness.start(alerts: 10, faults: SimFaults(serverErrors: 100))
        defer { Task { await harness.stop() } }
        let client = harness.client(retry: RetryPolicy(maxAttempts: 4))
        await #expect(throws: PrismaClientError.retriesExhausted(path: "POST /v2/alert", attempts: 4, last: "HTTP 503")) {
            _ = try await collectIDs(client, everything)
        }
    }

    @Test("stops at a trailing empty page that still carries a token, instead of looping")
    func trailingEmptyPage() async throws {
        let harness = try await Harness.start(alerts: 100, faults: SimFaults(trailingEmptyPage: true))
        defer { Task { await harness.stop() } }
        let (ids, pages) = try await collectIDs(harness.client(), everything)
        #expect(ids.count == 100)
        #expect(pages <= 3)
    }

    @Test("a wrong secret yields the seed's message with the likely causes")
    func wrongSecret() async throws {
        let harness = try await Harness.start()
        defer { Task { await harness.stop() } }
        do {
            try await harness.client(secret: "wrong").login()
            Issue.record("login should fail")
        } catch let error as PrismaClientError {
            let text = error.description
            // The plain sentence first, with the fix; the seed's phrase in the detail, for those who search for it.
            #expect(text.hasPrefix("Prisma Cloud refused the access key (HTTP 401): check the key ID and secret"))
            #expect(text.contains("expired"))
            #expect(text.contains("your tenant's region"))
            #expect(text.contains("Detail: could not exchange access keys for prisma cloud JWT: POST "))
            #expect(text.hasSuffix("answered HTTP 401 (invalid_credentials)"))
        }
    }

    @Test("a key that needs a tenant name says so")
    func multiTenant() async throws {
        let harness = try await Harness.start()
        defer { Task { await harness.stop() } }
        await harness.simulator.addUser(
            SimUser(
                accessKeyID: "m", secretKey: "p",
                tenants: [.init(customerName: "A", prismaId: "1"), .init(customerName: "B", prismaId: "2")]))
        await #expect(throws: PrismaClientError.loginNeedsCustomerName(tenants: ["A", "B"])) {
            try await harness.client(secret: "p", keyID: "m").login()
        }
    }

    @Test("403 on the alert list says the role lacks Alerts: View")
    func forbidden() async throws {
        let harness = try await Harness.start(alerts: 5)
        defer { Task { await harness.stop() } }
        await harness.simulator.addUser(
            SimUser(accessKeyID: "ro", secretKey: "p", canViewAlerts: false, tenants: harness.simulator.user.tenants))
        do {
            _ = try await collectIDs(harness.client(secret: "p", keyID: "ro"), everything)
            Issue.record("the list should be refused")
        } catch let error as PrismaClientError {
            #expect(error == .forbidden(path: "POST /v2/alert"))
            #expect(error.description.contains("lacks Alerts: View"))
        }
    }

    @Test("an HTML page where JSON belongs is reported as such after the retries")
    func htmlPage() async throws {
        let harness = try await Harness.start(alerts: 5, faults: SimFaults(htmlErrorPage: 100))
        defer { Task { await harness.stop() } }
        do {
            _ = try await collectIDs(harness.client(retry: RetryPolicy(maxAttempts: 2)), everything)
            Issue.record("should fail")
        } catch let error as PrismaClientError {
            #expect(error.description.contains("text/html"))
            #expect(error.description.contains("where JSON was expected"))
        }
    }

    @Test("malformed JSON is retried, and the page then arrives")
    func malformedThenFine() async throws {
        let harness = try await Harness.start(alerts: 30, faults: SimFaults(malformedJSON: 2))
        defer { Task { await harness.stop() } }
        let (ids, _) = try await collectIDs(harness.client(), everything)
        #expect(Set(ids).count == 30)
    }

    @Test("an unreachable API URL is reported as unreachable")
    func unreachable() async throws {
        let harness = try await Harness.start()
        let url = harness.server.url
        await harness.stop()
        do {
            try await harness.client(url: url, retry: RetryPolicy(maxAttempts: 2)).login()
            Issue.record("should fail")
        } catch let error as PrismaClientError {
            guard case .unreachable = error else {
                Issue.record("expected unreachable, got \(error)")
                return
            }
            #expect(error.description.contains("could not reach \(url)"))
        }
    }
}
