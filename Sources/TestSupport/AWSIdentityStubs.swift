import Foundation
import HTTPServing
import HTTPTypes
import Hummingbird
import NIOCore
import RelayModel

/// The EC2 instance metadata service, IMDSv2 only, for tests: `PUT /latest/api/token` with a TTL header gives a
/// session token; the role list and the role's credentials answer only with that token (401 otherwise), as an
/// instance that requires IMDSv2 does.
public actor InstanceMetadataStub {
    let role: String
    let credentials: JSONValue
    private var tokens: Set<String> = []
    /// Requests without a valid session token.
    public private(set) var refused = 0

    public init(role: String, accessKeyID: String, secretAccessKey: String, sessionToken: String, expiration: String) {
        self.role = role
        credentials = .object([
            "Code": .string("Success"), "Type": .string("AWS-HMAC"), "AccessKeyId": .string(accessKeyID),
            "SecretAccessKey": .string(secretAccessKey), "Token": .string(sessionToken), "Expiration": .string(expiration),
        ])
    }

    func newToken(ttl: String?) -> (Int, String) {
        guard let ttl, let seconds = Int(ttl), (1...21600).contains(seconds) else { return (400, "") }
        let token = UUID().uuidString
        tokens.insert(token)
        return (200, token)
    }

    func read(path: String, token: String?) -> (Int, String) {
        guard let token, tokens.contains(token) else {
            refused += 1
            return (401, "")
        }
        if path == "/latest/meta-data/iam/security-credentials/" { return (200, role) }
        if path == "/latest/meta-data/iam/security-credentials/\(role)" { return (200, credentials.jsonString()) }
        return (404, "")
    }

    public func serve() async throws -> HTTPServerHandle {
        let router = Router()
        router.put("latest/api/token") { [self] request, _ in
            let (status, text) = await newToken(ttl: request.headers[HTTPField.Name("X-aws-ec2-metadata-token-ttl-seconds")!])
            return Response(status: .init(code: status), body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        }
        router.get("latest/meta-data/**") { [self] request, _ in
            let (status, text) = await read(path: request.uri.path, token: request.headers[HTTPField.Name("X-aws-ec2-metadata-token")!])
            return Response(status: .init(code: status), body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        }
        return try await HTTPServerHandle.start(router: router)
    }
}

/// STS `AssumeRoleWithWebIdentity` for tests: an unsigned form POST naming the role and carrying the web identity
/// token; it answers the role's credentials in STS's XML when the token is the one it expects, else
/// `InvalidIdentityToken`.
public actor WebIdentitySTSStub {
    let roleArn: String
    let token: String
    public private(set) var calls: [[String: String]] = []

    public init(roleArn: String, token: String) {
        self.roleArn = roleArn
        self.token = token
    }

    func handle(form: FormData) -> (Int, String) {
        calls.append(form.values.compactMapValues(\.first))
        guard form["Action"] == "AssumeRoleWithWebIdentity", form["RoleArn"] == roleArn, form["RoleSessionName"]?.isEmpty == false else {
            return (
                400,
                "<ErrorResponse><Error><Code>ValidationError</Code><Message>Action, RoleArn and RoleSessionName are required</Message></Error></ErrorResponse>"
            )
        }
        guard form["WebIdentityToken"] == token else {
            return (
                400,
                "<ErrorResponse><Error><Code>InvalidIdentityToken</Code><Message>Couldn't retrieve verification key from your identity provider</Message></Error></ErrorResponse>"
            )
        }
        return (
            200,
            """
            <AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult><Credentials>
            <AccessKeyId>ASIAWEBIDENTITY</AccessKeyId><SecretAccessKey>web/secret</SecretAccessKey><SessionToken>web-session</SessionToken>
            <Expiration>2099-01-01T00:00:00Z</Expiration></Credentials></AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>
            """
        )
    }

    public func serve() async throws -> HTTPServerHandle {
        let router = Router()
        router.post("/") { [self] request, _ in
            let body = try await request.body.collect(upTo: 1 << 20)
            let form = FormData(String(buffer: body))
            let (status, text) = await handle(form: form)
            return Response(
                status: .init(code: status), headers: [.contentType: "text/xml"], body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        }
        return try await HTTPServerHandle.start(router: router)
    }
}
