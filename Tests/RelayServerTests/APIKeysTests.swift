import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Prometheus
import Relay
import RelayModel
import RelayStore
import Testing

/// API keys are listed and revoked, and a revoked key stops at once everywhere; read-only keys read only;
/// guessing secrets is throttled, logged and counted.
@Suite("API keys")
struct APIKeysTests {
    /// Makes a key through the API with the harness's admin key; returns its id and secret.
    static func create(_ client: any TestClientProtocol, _ api: APIHarness, name: String, role: String = "admin") async throws -> (
        String, String
    ) {
        let made = try await client.call(.post, "/api/v1/keys", api.bearer, json: #"{"name":"\#(name)","role":"\#(role)"}"#)
        #expect(made.status == .created, "\(made.text)")
        return (try #require(made.json?["id"]?.stringValue), try #require(made.json?["secretKey"]?.stringValue))
    }

    static func bearer(_ id: String, _ secret: String) -> HTTPFields {
        [.authorization: "Bearer \(id):\(secret)", .contentType: "application/json"]
    }

    /// Signs in to the console with a key pair; returns the session cookie.
    static func consoleSession(_ client: any TestClientProtocol, id: String, secret: String) async throws -> String {
        let (token, cookie) = try await ConsoleSessionTests.loginForm(client)
        let signIn = try await client.execute(
            uri: "/console/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded", .cookie: cookie],
            body: ConsoleSessionTests.form(["csrf": token, "keyId": id, "secret": secret]))
        return String(try #require(signIn.headers[.setCookie]?.split(separator: ";").first))
    }

    @Test("a revoked key's bearer secret, its JWT, token extension and console session all stop at once")
    func revocationIsImmediate() async throws {
        let api = try await APIHarness()
        try await api.run { client in
            let (id, secret) = try await Self.create(client, api, name: "soar")
            let login = try await client.call(
                .post, "/login", [.contentType: "application/json"], json: #"{"username":"\#(id)","password":"\#(secret)"}"#)
            let jwt = try #require(login.json?["token"]?.stringValue)
            let session = try await Self.consoleSession(client, id: id, secret: secret)
            let jwtHeaders: HTTPFields = [HTTPField.Name("x-redlock-auth")!: jwt]
            #expect(try await client.call(.get, "/integration", Self.bearer(id, secret)).status == .ok)
            #expect(try await client.call(.get, "/integration", jwtHeaders).status == .ok)
            #expect(try await client.execute(uri: "/console/connectors", method: .get, headers: [.cookie: session]).status == .ok)

            #expect(try await client.call(.delete, "/api/v1/keys/soar", api.bearer).status == .noContent)
            let bearer = try await client.call(.get, "/integration", Self.bearer(id, secret))
            #expect(bearer.status == .unauthorized && bearer.redlockStatus?.contains("access_key_revoked") == true)
            #expect(try await client.call(.get, "/integration", jwtHeaders).status == .unauthorized)
            #expect(try await client.call(.get, "/auth_token/extend", jwtHeaders).status == .unauthorized)
            let page = try await client.execute(uri: "/console/connectors", method: .get, headers: [.cookie: session])
            #expect(page.status == .seeOther && page.headers[.location] == "/console/login")
            let relogin = try await client.call(
                .post, "/login", [.contentType: "application/json"], json: #"{"username":"\#(id)","password":"\#(secret)"}"#)
            #expect(relogin.status == .unauthorized)
            // Listed with its status and times, never a secret or a hash.
            let listed = try await client.call(.get, "/api/v1/keys", api.bearer)
            let soar = try #require(listed.json?.arrayValue?.first { $0["name"]?.stringValue == "soar" })
            #expect(soar["status"] == .string("revoked") && soar["revokedAt"]?.stringValue != nil && soar["lastUsedAt"]?.stringValue != nil)
            #expect(!listed.text.contains(secret) && !listed.text.contains("secretHash") && !listed.text.contains("hash"))
            #expect(try await client.call(.delete, "/api/v1/keys/soar", api.bearer).status == .notFound)
        }
    }

    @Test("a read-only key reads but changes nothing, and the console shows it no forms that would")
    func readOnlyKeys() async throws {
        let api = try await APIHarness()
        try await api.run { client in
            let (id, secret) = try await Self.create(client, api, name: "viewer", role: "read-only")
            let headers = Self.bearer(id, secret)
            #expect(try await client.call(.get, "/integration", headers).status == .ok)
            #expect(try await client.call(.get, "/api/v1/connectors", headers).status == .ok)
            for (method, path, body) in [
                (
                    HTTPRequest.Method.post, "/integration",
                    #"{"name":"x","integrationType":"webhook","integrationConfig":{"url":"https://h.example.com","authToken":"t"}}"#
                ),
                (.post, "/api/v1/keys", #"{"name":"escalate"}"#), (.delete, "/api/v1/keys/tests", ""),
                (.post, "/api/v1/connectors/none/poll", ""),
            ] {
                let refused = try await client.call(method, path, headers, json: body.isEmpty ? nil : body)
                #expect(refused.status == .forbidden && refused.redlockStatus?.contains("read_only_key") == true, "\(method) \(path)")
            }
            let session = try await Self.consoleSession(client, id: id, secret: secret)
            let page = try await client.execute(uri: "/console/connectors", method: .get, headers: [.cookie: session])
            let html = String(buffer: page.body)
            #expect(page.status == .ok && html.contains("(read-only)"))
            #expect(!html.contains("Add connector") && !html.contains("Poll now"))
            let csrf = try #require(html.firstMatch(of: /name="csrf" value="([^"]+)"/)?.1).description
            let post = try await client.execute(
                uri: "/console/rules/none/delete", method: .post,
                headers: [.cookie: session, .contentType: "application/x-www-form-urlencoded"],
                body: ConsoleSessionTests.form(["csrf": csrf]))
            #expect(post.status == .forbidden && String(buffer: post.body).contains("read-only"))
        }
        #expect(try await api.app.store.apiKeys().count == 2)
    }

    @Test("guessed secrets are throttled per key id with growing waits, logged without the secret, and counted")
    func bruteForceThrottled() async throws {
        let logs = CapturedLogs()
        // Time moves only by hand, so the one-second wait is measured however slow the machine is.
        let clock = ManualClock(RelayApp.wallClock())
        let api = try await APIHarness(logs: logs, clock: { clock.now })
        try await api.run { client in
            for guess in 0..<3 {
                let wrong = try await client.call(
                    .post, "/login", [.contentType: "application/json"], json: #"{"username":"\#(api.keyID)","password":"guess-\#(guess)"}"#
                )
                #expect(wrong.status == .unauthorized)
            }
            // Now even the right secret waits: the guesser cannot tell.
            let blocked = try await client.call(.get, "/integration", api.bearer)
            #expect(blocked.status == .tooManyRequests && blocked.headers[.retryAfter] == "1", "\(blocked.status)")
            clock.advance(milliseconds: 1100)
            #expect(try await client.call(.get, "/integration", api.bearer).status == .ok)
        }
        #expect(logs.all.contains("credential refused") && logs.all.contains(api.keyID))
        #expect(!logs.all.contains("guess-"))
        var bytes: [UInt8] = []
        api.registry.emit(into: &bytes)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains(#"prisma_relay_auth_failures_total{reason="invalid",replica="\#(api.app.workerID)"} 3"#), "\(text)")
        #expect(text.contains(#"prisma_relay_auth_failures_total{reason="throttled",replica="\#(api.app.workerID)"} 1"#))
    }
}
