import Delivery
import Foundation
import RelayHTTP
import RelayModel
import Testing

@Suite("AWS credentials against moto_server with signatures checked")
struct AWSCredentialTests {
    func chain(_ account: Moto.Account, _ extra: [String: String] = [:]) -> AWSCredentialChain {
        AWSCredentialChain(
            environment: AWSEnvironment(
                variables: account.environment.merging(extra) { _, b in b }, http: HTTPExchange(policy: .allowingLoopback),
                clock: { Int64(Date().timeIntervalSince1970 * 1000) }))
    }

    @Test("a wrong secret is refused (SignatureDoesNotMatch); the right one works")
    func wrongSecretRefused() async throws {
        let moto = Moto.shared
        let account = try await moto.setUp()
        var wrong = account.user
        wrong.secretAccessKey = "not-the-secret"
        await #expect(throws: Moto.Failure.self) { try await moto.sqs("ListQueues", .object([:]), wrong) }
        do {
            _ = try await moto.sqs("ListQueues", .object([:]), wrong)
        } catch {
            #expect("\(error)".contains("SignatureDoesNotMatch"))
        }
        _ = try await moto.sqs("ListQueues", .object([:]), account.user)
    }

    @Test("AssumeRole with the role's external ID gives session credentials that work")
    func assumeRole() async throws {
        let account = try await Moto.shared.setUp()
        let credentials = try await chain(account).credentials(
            for: .init(roleArn: account.roleArn, externalID: account.externalID, region: "us-east-1"))
        #expect(credentials.sessionToken != nil && credentials.accessKeyID != account.user.accessKeyID)
        #expect(credentials.origin == "AssumeRole \(account.roleArn)")
        #expect((credentials.expiration ?? 0) > Int64(Date().timeIntervalSince1970 * 1000))
        _ = try await Moto.shared.sqs("ListQueues", .object([:]), credentials)
    }

    @Test("a wrong external ID is refused, which proves the ID is sent (moto allows a missing one), with a hint at the trust policy")
    func externalIDIsSent() async throws {
        let account = try await Moto.shared.setUp()
        do {
            _ = try await chain(account).credentials(
                for: .init(roleArn: account.roleArn, externalID: UUID().uuidString.lowercased(), region: "us-east-1"))
            Issue.record("a wrong external ID was accepted")
        } catch {
            #expect(error.description.contains("AccessDenied") && error.description.contains("trust policy"))
            #expect(!error.temporary)
        }
    }

    @Test("the shared credentials file and AWS_PROFILE are read; a missing profile is named")
    func sharedFile() async throws {
        let account = try await Moto.shared.setUp()
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("aws-credentials-\(UUID().uuidString)")
        try """
        [default]
        aws_access_key_id = AKIAOTHER
        aws_secret_access_key = other

        [relay]
        aws_access_key_id = \(account.user.accessKeyID)
        aws_secret_access_key = \(account.user.secretAccessKey)
        """.write(to: file, atomically: true, encoding: .utf8)
        var variables = account.environment
        variables["AWS_ACCESS_KEY_ID"] = nil
        variables["AWS_SECRET_ACCESS_KEY"] = nil
        variables["AWS_SHARED_CREDENTIALS_FILE"] = file.path
        variables["AWS_PROFILE"] = "relay"
        let environment = AWSEnvironment(
            variables: variables, http: HTTPExchange(policy: .allowingLoopback), clock: { Int64(Date().timeIntervalSince1970 * 1000) })
        let found = try await AWSCredentialChain(environment: environment).credentials(for: .init(region: "us-east-1"))
        #expect(found.origin == "profile relay" && found.accessKeyID == account.user.accessKeyID)
        _ = try await Moto.shared.sqs("ListQueues", .object([:]), found)
        variables["AWS_PROFILE"] = "missing"
        await #expect(throws: CredentialError.self) {
            try await AWSCredentialChain(
                environment: AWSEnvironment(variables: variables, http: HTTPExchange(policy: .allowingLoopback), clock: { 0 })
            )
            .credentials(for: .init(region: "us-east-1"))
        }
    }

    @Test("with no source at all, the error lists every place credentials can come from")
    func nothingFound() async throws {
        let environment = AWSEnvironment(
            variables: ["AWS_EC2_METADATA_DISABLED": "true", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent"],
            http: HTTPExchange(policy: .allowingLoopback), clock: { 0 })
        do {
            _ = try await AWSCredentialChain(environment: environment).credentials(for: .init(region: "us-east-1"))
            Issue.record("credentials appeared from nowhere")
        } catch {
            #expect(
                error.description.contains("AWS_ACCESS_KEY_ID") && error.description.contains("AWS_PROFILE")
                    && error.description.contains("AWS_WEB_IDENTITY_TOKEN_FILE"))
        }
    }
}
