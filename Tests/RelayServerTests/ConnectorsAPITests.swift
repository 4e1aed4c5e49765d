import Foundation
import HTTPServing
import HTTPTypes
import HummingbirdTesting
import PrismaSim
import Relay
import RelayModel
import RelayStore
import Testing

@Suite("Connectors API")
struct ConnectorsAPITests {
    @Test("add, list, test, poll, update, disable and delete a connector; the secret never comes back")
    func lifecycle() async throws {
        let api = try await APIHarness()
        let simulator = PrismaSimulator(configuration: .init(rateLimitPerSecond: nil))
        await simulator.addRecentAlerts(30)
        let sim = try await simulator.serve()
        defer { Task { await sim.stop() } }
        let secret = simulator.user.secretKey
        try await api.run { client in
            let body =
                #"{"name":"prod","type":"cspm","apiURL":"\#(sim.url)","accessKeyID":"\#(simulator.user.accessKeyID)","secretKey":"\#(secret)","statuses":["all"]}"#
            let added = try await client.call(.post, "/api/v1/connectors", api.bearer, json: body)
            #expect(added.status == .created, "\(added.text)")
            #expect(added.json?["warnings"]?.arrayValue?.count == 1)
            #expect(try await client.call(.post, "/api/v1/connectors", api.bearer, json: body).status == .conflict)
            let test = try await client.call(.post, "/api/v1/connectors/prod/test", api.bearer)
            #expect(test.json?["message"]?.stringValue?.hasPrefix("Connection successful at ") == true)
            let poll = try await client.call(.post, "/api/v1/connectors/prod/poll", api.bearer)
            #expect(poll.json?["added"] == .int(30))
            let listed = try await client.call(.get, "/api/v1/connectors", api.bearer)
            #expect(listed.json?.arrayValue?.first?["status"]?.stringValue == "Active")
            #expect(listed.json?.arrayValue?.first?["totalEvents"] == .int(30))
            let update = try await client.call(
                .put, "/api/v1/connectors/prod", api.bearer, json: #"{"secretKey":"********","intervalSeconds":60}"#)
            #expect(update.json?["intervalSeconds"] == .int(60))
            #expect(try await api.app.store.connector(named: "prod")?.secretKey.reveal() == secret)
            // Pointing the connector elsewhere would send the stored secret there: it must come with the secret.
            for move in [
                #"{"apiURL":"https://api.attacker.example","secretKey":"********"}"#, #"{"computeURL":"https://attacker.example/t"}"#,
            ] {
                let walked = try await client.call(.put, "/api/v1/connectors/prod", api.bearer, json: move)
                #expect(walked.status == .badRequest, "\(walked.text)")
                #expect(walked.json?["fields"]?.arrayValue?.first?["field"] == .string("secretKey"))
                #expect(walked.text.contains("give the secret key again"), "\(walked.text)")
            }
            #expect(try await api.app.store.connector(named: "prod")?.apiURL == sim.url)
            let off = try await client.call(.patch, "/api/v1/connectors/prod", api.bearer, json: #"{"enabled":false}"#)
            #expect(off.json?["status"]?.stringValue == "Disabled")
            for answer in [added, test, poll, listed, update, off] { #expect(!answer.text.contains(secret)) }
            #expect(try await client.call(.delete, "/api/v1/connectors/prod", api.bearer).status == .noContent)
            #expect(try await client.call(.get, "/api/v1/connectors/prod", api.bearer).status == .notFound)
        }
    }

    @Test("a bad connector is refused with each field named")
    func badConnector() async throws {
        let api = try await APIHarness()
        try await api.run { client in
            let answer = try await client.call(
                .post, "/api/v1/connectors", api.bearer, json: #"{"name":"eu","apiURL":"https://app2.eu.prismacloud.io","pageSize":"many"}"#
            )
            #expect(answer.status == .badRequest)
            #expect(answer.json?["fields"]?.arrayValue?.map { $0["field"]?.stringValue } == ["pageSize"])
            let second = try await client.call(
                .post, "/api/v1/connectors", api.bearer, json: #"{"name":"eu","apiURL":"https://app2.eu.prismacloud.io"}"#)
            let fields = second.json?["fields"]?.arrayValue?.compactMap { $0["field"]?.stringValue } ?? []
            #expect(fields == ["apiURL", "accessKeyID", "secretKey"])
            #expect(second.text.contains("https://api2.eu.prismacloud.io"))
        }
    }
}
