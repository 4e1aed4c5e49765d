import Delivery
import Foundation
import PrismaSim
import RelayModel
import RelayStore
import TestSupport
import Testing

/// A URL that carries a credential is shown and stored redacted wherever a message names it.
@Suite("Secrets inside URLs")
struct SecretsInURLsTests {
    @Test(
        "a failing delivery's status, retry reason, dead letter and Test answer name the URL without its token, and the database holds none"
    )
    func redactedEverywhere() async throws {
        let token = "S3CR3T-QUERY-TOKEN"
        // Port 9 (discard) has no listener on loopback.
        let url = "http://relay:pa55w0rd-in-url@127.0.0.1:9/hook?token=\(token)"
        let rig = try await DeliveryRig.start(.microsoftTeams, config: .object(["url": .string(url)]), maxAttempts: 2)
        try await rig.alert("P-1")
        try await rig.drain(rounds: 1)
        let retrying = try await rig.health
        #expect(retrying.status == .yellow)
        #expect(
            retrying.message?.contains("could not reach http://relay:********@127.0.0.1:9/hook?token=********") == true,
            "\(retrying.message ?? "")")
        #expect(retrying.message?.contains("connection refused") == true, "\(retrying.message ?? "")")
        // Nothing listens there: an outage, waited out until the age cap (24 hours) before it becomes a dead letter.
        try await rig.drain(rounds: 3)
        rig.clock.advance(seconds: 25 * 3600)
        try await rig.drain(rounds: 1)
        let dead = try await rig.store.deadLetters(integrationID: rig.integration.id)
        #expect(dead.count == 1)
        let test = try #require(try await rig.engine.test(rig.integration))
        #expect(!test.success)
        // Test does not tell a closed port from a filtered one.
        #expect(test.message.hasPrefix("No connection could be made to the address and port of "), "\(test.message)")
        #expect(!test.message.contains("refused"), "\(test.message)")
        for text in [retrying.message ?? "", dead.first?.reason ?? "", test.message, try await rig.health.message ?? ""] {
            #expect(!text.contains(token) && !text.contains("pa55w0rd"), "\(text)")
        }
        for suffix in ["", "-wal"] {
            let bytes = (try? Data(contentsOf: URL(fileURLWithPath: rig.store.path + suffix))) ?? Data()
            #expect(bytes.range(of: Data(token.utf8)) == nil, "\(suffix) holds the token in clear")
        }
    }
}
