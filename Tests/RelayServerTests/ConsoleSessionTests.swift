import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@Suite("Console sessions and forms")
struct ConsoleSessionTests {
    /// The login form's CSRF token and the cookie it is bound to.
    static func loginForm(_ client: any TestClientProtocol) async throws -> (token: String, cookie: String) {
        let page = try await client.execute(uri: "/console/login", method: .get)
        let html = String(buffer: page.body)
        let token = try #require(html.firstMatch(of: /name="csrf" value="([^"]+)"/)?.1)
        let cookie = try #require(page.headers[.setCookie]?.split(separator: ";").first)
        return (String(token), String(cookie))
    }

    static func form(_ fields: [String: String]) -> ByteBuffer {
        ByteBuffer(
            string: fields.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }.joined(
                separator: "&"))
    }

    @Test("pages need a session; signing in over HTTPS sets a Secure, HttpOnly, SameSite=Strict cookie that opens them")
    func secureSession() async throws {
        let h = try await APIHarness()
        try await h.run(secure: true) { client in
            let anonymous = try await client.execute(uri: "/console/connectors", method: .get)
            #expect(anonymous.status == .seeOther && anonymous.headers[.location] == "/console/login")
            let (token, cookie) = try await Self.loginForm(client)
            let signIn = try await client.execute(
                uri: "/console/login", method: .post,
                headers: [.contentType: "application/x-www-form-urlencoded", .cookie: cookie],
                body: Self.form(["csrf": token, "keyId": h.keyID, "secret": h.secret]))
            #expect(signIn.status == .seeOther)
            let session = try #require(signIn.headers[.setCookie])
            #expect(
                session.hasPrefix("relay_session=") && session.contains("Secure") && session.contains("HttpOnly")
                    && session.contains("SameSite=Strict"))
            let page = try await client.execute(
                uri: "/console/connectors", method: .get, headers: [.cookie: String(session.split(separator: ";")[0])])
            #expect(page.status == .ok && String(buffer: page.body).contains("Collection status"))
            #expect(page.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true)
            // Over TLS every answer, an API error included, keeps browsers on HTTPS.
            #expect(page.headers[HTTPField.Name("Strict-Transport-Security")!] == "max-age=31536000")
            #expect(anonymous.headers[HTTPField.Name("Strict-Transport-Security")!] == "max-age=31536000")
            let refused = try await client.execute(uri: "/api/v1/connectors", method: .get)
            #expect(refused.status == .unauthorized && refused.headers[HTTPField.Name("Strict-Transport-Security")!] == "max-age=31536000")
            // A failure on a page is said in words, not a bare 500.
            let missing = try await client.execute(
                uri: "/console/connectors/nope/poll", method: .post,
                headers: [.cookie: String(session.split(separator: ";")[0]), .contentType: "application/x-www-form-urlencoded"],
                body: Self.form([
                    "csrf": try #require(String(buffer: page.body).firstMatch(of: /name="csrf" value="([^"]+)"/)?.1).description
                ]))
            #expect(missing.status == .badRequest && String(buffer: missing.body).contains("there is no connector named"))
        }
    }

    @Test("the sign-in form is refused without its CSRF cookie, and a wrong secret signs nobody in")
    func signInRefusals() async throws {
        let h = try await APIHarness()
        try await h.run { client in
            let (token, cookie) = try await Self.loginForm(client)
            let noCookie = try await client.execute(
                uri: "/console/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: Self.form(["csrf": token, "keyId": h.keyID, "secret": h.secret]))
            #expect(noCookie.status == .forbidden)
            let wrong = try await client.execute(
                uri: "/console/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded", .cookie: cookie],
                body: Self.form(["csrf": token, "keyId": h.keyID, "secret": "nope"]))
            #expect(wrong.status == .unauthorized && wrong.headers[.setCookie]?.hasPrefix("relay_session=") != true)
        }
    }

    /// What one test client learned, for the next.
    actor Carry {
        var cookie = ""
        func set(_ value: String) { cookie = value }
    }

    @Test("a console session outlives a restart: the relay started again on the same store opens the same pages")
    func sessionSurvivesRestart() async throws {
        let first = try await APIHarness()
        let carry = Carry()
        try await first.run { client in
            await carry.set(try await APIKeysTests.consoleSession(client, id: first.keyID, secret: first.secret))
        }
        let cookie = await carry.cookie
        let restarted = try await APIHarness(database: first.databasePath)
        try await restarted.run { client in
            let page = try await client.execute(uri: "/console/connectors", method: .get, headers: [.cookie: cookie])
            #expect(page.status == .ok)
            #expect(String(buffer: page.body).contains("Collection status"))
            let forged = try await client.execute(uri: "/console/connectors", method: .get, headers: [.cookie: cookie + "x"])
            #expect(forged.status == .seeOther)
        }
        // The store holds the session's id only as a hash: a copy of the database opens no browser session.
        let id = try #require(cookie.split(separator: "=", maxSplits: 1).last.map(String.init))
        for suffix in ["", "-wal"] {
            if let bytes = FileManager.default.contents(atPath: first.databasePath + suffix) {
                #expect(bytes.range(of: Data(id.utf8)) == nil)
            }
        }
    }
}
