import Crypto
import Foundation
import HTTPServing
import HTTPTypes
import Hummingbird
import NIOCore
import RelayModel
import _CryptoExtras

/// A strict Snowpipe REST endpoint for tests: `POST /v1/data/pipes/{pipe}/insertFiles?requestId=` with a key-pair JWT
/// it verifies as Snowflake does — RS256 under the public key registered for the user, `iss` =
/// `ACCOUNT.USER.SHA256:<fingerprint of that key>`, `sub` = `ACCOUNT.USER`, at most an hour long and not expired —
/// then a body of at most 5,000 files with paths of at most 1,024 bytes. Answers 200 `SUCCESS`, 400, 401 (`390144`),
/// 404 for an unknown pipe, 429 or 503 when scripted; records the files queued.
public actor SnowpipeReceiver {
    let account: String
    let user: String
    let publicKey: _RSA.Signing.PublicKey
    let pipe: String
    /// Paths queued, in order.
    public private(set) var files: [String] = []
    public private(set) var requests = 0
    private var script = FailureScript<Int>()

    /// `publicKeyPEM` is the key `ALTER USER … SET RSA_PUBLIC_KEY` registered; `pipe` is `DATABASE.SCHEMA.PIPE`.
    public init(account: String, user: String, publicKeyPEM: String, pipe: String) throws {
        self.account = account
        self.user = user
        publicKey = try _RSA.Signing.PublicKey(pemRepresentation: publicKeyPEM)
        self.pipe = pipe
    }

    public func fail(with statuses: [Int]) { script.add(statuses) }

    static func answer(_ code: String, _ message: String) -> String {
        JSONValue.object(["data": .null, "code": .string(code), "message": .string(message), "success": .bool(false)]).jsonString()
    }

    func handle(pipe: String, requestID: String?, authorization: String?, body: [UInt8]) -> (Int, String) {
        requests += 1
        let invalid = (401, Self.answer("390144", "JWT token is invalid."))
        guard let authorization, authorization.hasPrefix("Bearer ") else { return invalid }
        let parts = authorization.dropFirst(7).split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, let signature = Base64URL.decode(parts[2]), let claimBytes = Base64URL.decode(parts[1]),
            let claims = try? JSONValue.parse(Array(claimBytes)),
            publicKey.isValidSignature(
                _RSA.Signing.RSASignature(rawRepresentation: signature), for: Data("\(parts[0]).\(parts[1])".utf8),
                padding: .insecurePKCS1v1_5)
        else { return invalid }
        let fingerprint = "SHA256:" + Data(SHA256.hash(data: publicKey.derRepresentation)).base64EncodedString()
        let now = Int64(Date().timeIntervalSince1970)
        guard claims["iss"] == .string("\(account).\(user).\(fingerprint)"), claims["sub"] == .string("\(account).\(user)"),
            let issued = claims["iat"]?.int64Value, let expiry = claims["exp"]?.int64Value, expiry - issued <= 3600, expiry > now,
            issued <= now + 60
        else { return invalid }
        guard pipe == self.pipe else {
            return (404, Self.answer("390404", "Specified object does not exist or not authorized. Pipe not found"))
        }
        guard requestID?.isEmpty == false else { return (400, Self.answer("390400", "requestId is required")) }
        if let status = script.next() {
            return (status, Self.answer("390\(status)", "scripted failure"))
        }
        guard let list = (try? JSONValue.parse(body))?["files"]?.arrayValue, !list.isEmpty, list.count <= 5000 else {
            return (400, Self.answer("390400", "Invalid request: files must list 1 to 5000 files"))
        }
        var paths: [String] = []
        for file in list {
            guard let path = file["path"]?.stringValue, !path.isEmpty, path.utf8.count <= 1024 else {
                return (400, Self.answer("390400", "Invalid request: every file needs a path of at most 1024 bytes"))
            }
            paths.append(path)
        }
        files += paths
        return (200, JSONValue.object(["requestId": .string(requestID ?? ""), "responseCode": .string("SUCCESS")]).jsonString())
    }

    /// Serves Snowpipe's REST API on loopback; its URL stands in for `https://ACCOUNT.snowflakecomputing.com`.
    public func serve() async throws -> HTTPServerHandle {
        let router = Router()
        router.post("v1/data/pipes/:pipe/insertFiles") { [self] request, context in
            let body = try await request.body.collect(upTo: 4 << 20)
            let (status, text) = await handle(
                pipe: context.parameters.get("pipe") ?? "", requestID: request.uri.queryParameters.get("requestId"),
                authorization: request.headers[.authorization], body: Array(body.readableBytesView))
            return Response(
                status: .init(code: status), headers: [.contentType: "application/json"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        }
        return try await HTTPServerHandle.start(router: router)
    }
}
