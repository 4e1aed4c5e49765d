import Delivery
import Foundation
import HTTPServing
import PrismaSim
import RelayHTTP
import RelayModel
import TestSupport
import Testing

@Suite("AWS credential chain: web identity and the instance metadata service")
struct AWSCredentialChainTests {
    static func chain(_ variables: [String: String], now: Int64 = 1_763_800_000_000) -> AWSCredentialChain {
        AWSCredentialChain(environment: AWSEnvironment(variables: variables, http: HTTPExchange(policy: .allowingLoopback), clock: { now }))
    }

    @Test("a web identity token file is exchanged for the role's credentials (EKS), unsigned")
    func webIdentity() async throws {
        let sts = WebIdentitySTSStub(roleArn: "arn:aws:iam::123456789012:role/relay", token: "eyJ.web.token")
        let server = try await sts.serve()
        defer { Task { await server.stop() } }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("token-\(UUID().uuidString)")
        try "eyJ.web.token\n".write(to: file, atomically: true, encoding: .utf8)
        let credentials = try await Self.chain([
            "AWS_WEB_IDENTITY_TOKEN_FILE": file.path, "AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/relay",
            "AWS_ENDPOINT_URL_STS": server.url,
            "AWS_EC2_METADATA_DISABLED": "true",
        ]).credentials(for: .init(region: "us-east-1"))
        #expect(
            credentials
                == AWSCredentials(
                    accessKeyID: "ASIAWEBIDENTITY", secretAccessKey: "web/secret", sessionToken: "web-session",
                    expiration: 4_070_908_800_000,
                    origin: "web identity arn:aws:iam::123456789012:role/relay"))
        #expect(await sts.calls.first?["RoleSessionName"] == "prisma-relay")
    }

    @Test("an instance role is read through IMDSv2 (a session token first) and is refreshed five minutes before it expires")
    func instanceMetadata() async throws {
        let imds = InstanceMetadataStub(
            role: "relay-instance", accessKeyID: "ASIAINSTANCE", secretAccessKey: "instance/secret", sessionToken: "instance-session",
            expiration: "2025-11-22T09:00:00Z")
        let server = try await imds.serve()
        defer { Task { await server.stop() } }
        // A loaded test machine can take longer than the 2-second default to answer.
        let chain = Self.chain([
            "AWS_EC2_METADATA_SERVICE_ENDPOINT": server.url, "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
            "AWS_METADATA_SERVICE_TIMEOUT": "20",
        ])
        let credentials = try await chain.credentials(for: .init(region: "us-east-1"))
        #expect(credentials.accessKeyID == "ASIAINSTANCE" && credentials.sessionToken == "instance-session")
        #expect(credentials.origin == "instance role relay-instance" && credentials.expiration == 1_763_802_000_000)
        #expect(await imds.refused == 0)
        #expect(!credentials.needsRefresh(at: 1_763_800_000_000) && credentials.needsRefresh(at: 1_763_801_800_000))
    }

    @Test("an unreachable metadata service ends in an error that lists every source")
    func nothingAnywhere() async throws {
        do {
            _ = try await Self.chain([
                "AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1:9", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
            ])
            .credentials(for: .init(region: "us-east-1"))
            Issue.record("credentials appeared from nowhere")
        } catch {
            #expect(error.description.hasPrefix("no AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"))
            #expect(error.description.contains("instance metadata service"))
        }
    }
}
