import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import RelayModel
import Testing

/// Bad requests get an answer that says what is wrong and where.
@Suite("Bad requests")
struct BadRequestTests {
    @Test("broken JSON is answered with the parse error and where it is, not a generic complaint")
    func brokenJSON() async throws {
        let api = try await APIHarness()
        try await api.run { client in
            for path in ["/api/v1/connectors", "/integration", "/alert/rule"] {
                let answer = try await client.call(.post, path, api.bearer, json: "{\n  \"name\": \"x\",\n  \"type\": ,\n}")
                #expect(answer.status == .badRequest, "\(path)")
                #expect(answer.text.contains("not valid JSON") && answer.text.contains("line 3, column 11"), "\(path): \(answer.text)")
            }
        }
    }

    @Test("a body over the limit is answered 413 with the limit in words")
    func tooLarge() async throws {
        let api = try await APIHarness()
        try await api.run { client in
            let big = #"{"name":""# + String(repeating: "x", count: 2 << 20) + #""}"#
            let answer = try await client.call(.post, "/api/v1/connectors", api.bearer, json: big)
            #expect(answer.status == .contentTooLarge)
            #expect(answer.text.contains("larger than the 1024 KiB this endpoint accepts"), "\(answer.text)")
        }
    }

    @Test("the console's integration form answers 422 with the errors beside the fields, like the connector form")
    func consoleFormErrors() async throws {
        let api = try await APIHarness()
        try await api.run { client in
            let session = try await APIKeysTests.consoleSession(client, id: api.keyID, secret: api.secret)
            let page = try await client.execute(
                uri: "/console/integrations/new?integrationType=webhook", method: .get, headers: [.cookie: session])
            let csrf = try #require(String(buffer: page.body).firstMatch(of: /name="csrf" value="([^"]+)"/)?.1).description
            let saved = try await client.execute(
                uri: "/console/integrations", method: .post,
                headers: [.cookie: session, .contentType: "application/x-www-form-urlencoded"],
                body: ConsoleSessionTests.form([
                    "csrf": csrf, "integrationType": "webhook", "name": "hook", "cfg.url": "not a url", "cfg.authToken": "t",
                ]))
            #expect(saved.status == .unprocessableContent)
            #expect(String(buffer: saved.body).contains("must be an http(s) URL"))
        }
    }
}
