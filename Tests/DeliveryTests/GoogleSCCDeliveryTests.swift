import Delivery
import Foundation
import HTTPServing
import PrismaAPI
import PrismaSim
import RelayModel
import RelayStore
import TestSupport
import Testing

/// A fixed RSA key for golden tests (made for these tests only).
enum TestKeys {
    static func pem(_ name: String) throws -> String {
        try String(
            contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Reference/\(name)"),
            encoding: .utf8)
    }
}

@Suite("Google Security Command Center delivery")
struct GoogleSCCDeliveryTests {
    @Test("the service-account assertion is exact for a fixed key and clock, and PyJWT and cryptography agree with it")
    func assertionGolden() async throws {
        let pem = try TestKeys.pem("test-rsa-key.pem")
        let key = try GoogleServiceAccount.Key(
            json: .object([
                "type": .string("service_account"), "client_email": .string("relay@p.iam.gserviceaccount.com"),
                "private_key": .string(pem), "private_key_id": .string("kid-1"),
                "token_uri": .string("https://oauth2.googleapis.com/token"),
            ]))
        let token = try GoogleServiceAccount.assertion(key: key, scope: GoogleServiceAccount.cloudPlatformScope, now: 1_763_800_000_000)
        let parts = token.split(separator: ".").map(String.init)
        #expect(parts[0] == Base64URL.encode(Array(#"{"alg":"RS256","typ":"JWT","kid":"kid-1"}"#.utf8)))
        #expect(
            parts[1]
                == Base64URL.encode(
                    Array(
                        #"{"iss":"relay@p.iam.gserviceaccount.com","scope":"https://www.googleapis.com/auth/cloud-platform","aud":"https://oauth2.googleapis.com/token","iat":1763800000,"exp":1763803600}"#
                            .utf8)))
        let input: JSONValue = .object([
            "token": .string(token), "key_pem": .string(pem), "audience": .string("https://oauth2.googleapis.com/token"),
        ])
        let reference = try JSONValue.parse(Array(try await ReferenceTool.run("jwt_rs256.py", input: Data(input.jsonBytes())).utf8))
        #expect(reference["signature"] == .string(parts[2]))
        #expect(reference["claims"]?["iss"] == .string("relay@p.iam.gserviceaccount.com"))
        #expect(reference["header"]?["kid"] == .string("kid-1"))
    }

    static func rig(_ receiver: GoogleSCCReceiver, server: HTTPServerHandle, org: String? = nil, credentials: Bool = true) async throws
        -> DeliveryRig
    {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("sa-\(UUID().uuidString).json")
        try Data(await receiver.keyFile().jsonBytes()).write(to: file)
        return try await DeliveryRig.start(
            .googleCSCC, config: .object(["orgId": .string(org ?? receiver.organization), "sourceId": .string(receiver.source)]),
            environment: ["PRISMA_RELAY_GOOGLE_SCC_URL": server.url].merging(
                credentials ? ["GOOGLE_APPLICATION_CREDENTIALS": file.path] : [:]
            ) { $1 },
            // Ten minutes back: the drains move the clock on, and Google refuses assertions issued in the future.
            startingAt: Int64(Date().timeIntervalSince1970 * 1000) - 600_000)
    }

    @Test("an open alert becomes an ACTIVE finding with its facts; its resolve sets the same finding INACTIVE")
    func lifecycle() async throws {
        let receiver = try GoogleSCCReceiver()
        let server = try await receiver.serve()
        defer { Task { await server.stop() } }
        let rig = try await Self.rig(receiver, server: server)
        try await rig.alert("P-1")
        try await rig.drain(rounds: 1)
        var findings = await receiver.findings
        #expect(findings.count == 1)
        let (id, finding) = try #require(findings.first)
        #expect(id.count == 32)
        #expect(finding["state"] == .string("ACTIVE") && finding["severity"] == .string("CRITICAL"))
        #expect(finding["category"] == .string("S3 bucket is public"))
        #expect(
            finding["sourceProperties"]?["prismaAlertId"] == .string("P-1") && finding["sourceProperties"]?["accountId"] == .string("111"))
        #expect(finding["externalUri"]?.stringValue?.hasPrefix("https://app.prismacloud.io/alerts/overview") == true)
        try await rig.alert("P-1", status: "resolved", version: 2)
        try await rig.drain(rounds: 1)
        findings = await receiver.findings
        #expect(findings.count == 1 && findings[id]?["state"] == .string("INACTIVE"))
        #expect(await receiver.log == ["POST \(id)", "PATCH \(id)"])
    }

    @Test("a create answered 409 ALREADY_EXISTS updates the finding instead; 503 is retried")
    func alreadyExists() async throws {
        let receiver = try GoogleSCCReceiver()
        let server = try await receiver.serve()
        defer { Task { await server.stop() } }
        let rig = try await Self.rig(receiver, server: server)
        try await rig.alert("P-1")
        try await rig.drain(rounds: 1)
        // The same alert, changed again while open: created before, so the create meets 409 and becomes an update.
        await receiver.fail(with: [503])
        try await rig.alert("P-1", version: 3)
        try await rig.drain(rounds: 3)
        let id = try #require(await receiver.findings.keys.first)
        #expect(await receiver.log == ["POST \(id)", "POST \(id)", "POST \(id)", "PATCH \(id)"])
        #expect(try await rig.health.delivered == 2)
    }

    @Test("without GOOGLE_APPLICATION_CREDENTIALS, Test and delivery say exactly what to set; the events wait")
    func missingCredentials() async throws {
        let receiver = try GoogleSCCReceiver()
        let server = try await receiver.serve()
        defer { Task { await server.stop() } }
        let rig = try await Self.rig(receiver, server: server, credentials: false)
        let test = try #require(try await rig.engine.test(rig.integration))
        #expect(!test.success && test.message.contains("set GOOGLE_APPLICATION_CREDENTIALS"))
        try await rig.alert("P-1")
        try await rig.drain(rounds: 1)
        let health = try await rig.health
        #expect(health.paused && health.queueDepth == 1 && health.message?.contains("GOOGLE_APPLICATION_CREDENTIALS") == true)
    }

    @Test("a wrong organization pauses the integration with Google's NOT_FOUND and what to check")
    func wrongOrganization() async throws {
        let receiver = try GoogleSCCReceiver()
        let server = try await receiver.serve()
        defer { Task { await server.stop() } }
        let rig = try await Self.rig(receiver, server: server, org: "999")
        try await rig.alert("P-1")
        try await rig.drain(rounds: 1)
        let health = try await rig.health
        #expect(
            health.paused && health.message?.contains("NOT_FOUND") == true && health.message?.contains("check orgId and sourceId") == true)
    }
}
