import Crypto
import Foundation
import HTTPServing
import HTTPTypes
import Hummingbird
import NIOCore
import RelayModel
import _CryptoExtras

/// A strict Google OAuth token endpoint and Security Command Center v1 for tests. It owns a service account (an RSA
/// key it made) and gives out its key file; `POST /token` verifies the JWT assertion's RS256 signature with that
/// account's public key and its claims (`iss`, `aud`, `scope`, an hour at most, not expired) as Google does, and
/// issues access tokens. Findings (`POST …/findings?findingId=`, `PATCH …/findings/{id}?updateMask=`) need such a
/// token, the right organization and source, a 1–32 character alphanumeric id and a valid `Finding`; a second
/// create of one id answers `409 ALREADY_EXISTS`. Errors come in Google's `{"error": {code, message, status}}` shape.
public actor GoogleSCCReceiver {
    public nonisolated let organization: String
    public nonisolated let source: String
    public let clientEmail = "prisma-relay@relay-tests.iam.gserviceaccount.com"
    public let privateKeyID = "0123456789abcdef0123456789abcdef01234567"
    let key: _RSA.Signing.PrivateKey
    /// Findings by id, as last written.
    public private(set) var findings: [String: JSONValue] = [:]
    /// Every finding request, in order: `POST id` or `PATCH id`.
    public private(set) var log: [String] = []
    private var tokens: Set<String> = []
    private var tokenURI = ""
    private var script = FailureScript<Int>()

    public init(organization: String = "123456789", source: String = "5678") throws {
        self.organization = organization
        self.source = source
        key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
    }

    /// Answer the next finding requests with these statuses first (429, 503, …).
    public func fail(with statuses: [Int]) { script.add(statuses) }

    /// The service-account key file, as Google's console downloads it, pointing at this token endpoint.
    public func keyFile() -> JSONValue {
        .object([
            "type": .string("service_account"), "project_id": .string("relay-tests"), "private_key_id": .string(privateKeyID),
            "private_key": .string(key.pkcs8PEMRepresentation), "client_email": .string(clientEmail), "client_id": .string("1234567890"),
            "token_uri": .string(tokenURI),
        ])
    }

    static func error(_ code: Int, _ status: String, _ message: String) -> String {
        JSONValue.object(["error": .object(["code": .int(Int64(code)), "message": .string(message), "status": .string(status)])])
            .jsonString()
    }

    func issueToken(form: FormData) -> (Int, String) {
        func invalid(_ description: String) -> (Int, String) {
            (400, JSONValue.object(["error": .string("invalid_grant"), "error_description": .string(description)]).jsonString())
        }
        guard form["grant_type"] == "urn:ietf:params:oauth:grant-type:jwt-bearer" else {
            return (400, #"{"error":"unsupported_grant_type","error_description":"Invalid grant_type"}"#)
        }
        let parts = (form["assertion"] ?? "").split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, let headerBytes = Base64URL.decode(parts[0]), let claimBytes = Base64URL.decode(parts[1]),
            let signature = Base64URL.decode(parts[2]), let header = try? JSONValue.parse(Array(headerBytes)),
            let claims = try? JSONValue.parse(Array(claimBytes))
        else { return invalid("Invalid JWT: the assertion is not a JWT") }
        guard header["alg"] == .string("RS256") else { return invalid("Invalid JWT: alg must be RS256") }
        guard header["kid"] == nil || header["kid"] == .string(privateKeyID) else { return invalid("Invalid JWT Signature.") }
        guard
            key.publicKey.isValidSignature(
                _RSA.Signing.RSASignature(rawRepresentation: signature), for: Data("\(parts[0]).\(parts[1])".utf8),
                padding: .insecurePKCS1v1_5)
        else { return invalid("Invalid JWT Signature.") }
        let now = Int64(Date().timeIntervalSince1970)
        guard claims["iss"] == .string(clientEmail) else {
            return (401, #"{"error":"invalid_client","error_description":"The OAuth client was not found."}"#)
        }
        guard claims["aud"] == .string(tokenURI) else { return invalid("Invalid JWT: Failed audience check.") }
        guard claims["scope"]?.stringValue?.split(separator: " ").contains("https://www.googleapis.com/auth/cloud-platform") == true else {
            return invalid("Invalid JWT: scope must include cloud-platform")
        }
        guard let issued = claims["iat"]?.int64Value, let expiry = claims["exp"]?.int64Value, expiry - issued <= 3600, issued <= now + 60,
            expiry > now
        else { return invalid("Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe.") }
        let token = "ya29." + UUID().uuidString
        tokens.insert(token)
        return (200, #"{"access_token":"\#(token)","expires_in":3599,"token_type":"Bearer"}"#)
    }

    func handleFinding(
        method: String, organization: String, source: String, findingID: String?, updateMask: String?, authorization: String?, body: [UInt8]
    ) -> (Int, String) {
        guard let authorization, authorization.hasPrefix("Bearer "), tokens.contains(String(authorization.dropFirst(7))) else {
            return (401, Self.error(401, "UNAUTHENTICATED", "Request had invalid authentication credentials."))
        }
        guard organization == self.organization, source == self.source else {
            return (404, Self.error(404, "NOT_FOUND", "Requested entity was not found."))
        }
        guard let id = findingID, (1...32).contains(id.count), id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
            return (400, Self.error(400, "INVALID_ARGUMENT", "Invalid finding id: it must be 1 to 32 alphanumeric characters."))
        }
        log.append("\(method) \(id)")
        if let status = script.next() {
            return (status, Self.error(status, status == 429 ? "RESOURCE_EXHAUSTED" : "UNAVAILABLE", "scripted failure"))
        }
        guard let finding = try? JSONValue.parse(body), finding.objectValue != nil else {
            return (400, Self.error(400, "INVALID_ARGUMENT", "Invalid JSON payload received."))
        }
        if let problem = Self.problem(in: finding) { return (400, Self.error(400, "INVALID_ARGUMENT", problem)) }
        let name = "organizations/\(organization)/sources/\(source)/findings/\(id)"
        if method == "POST" {
            guard findings[id] == nil else { return (409, Self.error(409, "ALREADY_EXISTS", "Requested entity already exists")) }
            findings[id] = finding
        } else if var existing = findings[id]?.objectValue {
            for field in (updateMask ?? "").split(separator: ",").map(String.init) { existing[field] = finding[field] }
            findings[id] = .object(existing)
        } else {
            findings[id] = finding
        }
        var answer = findings[id]?.objectValue ?? [:]
        answer["name"] = .string(name)
        answer["parent"] = .string("organizations/\(organization)/sources/\(source)")
        return (200, JSONValue.object(answer).jsonString())
    }

    /// What a `Finding` breaks of the v1 resource's rules, if anything.
    static func problem(in finding: JSONValue) -> String? {
        guard let state = finding["state"]?.stringValue, ["ACTIVE", "INACTIVE"].contains(state) else {
            return "Invalid value at 'finding.state'"
        }
        guard finding["category"]?.stringValue?.isEmpty == false else { return "finding.category is required" }
        guard finding["resourceName"]?.stringValue?.isEmpty == false else { return "finding.resource_name is required" }
        guard let time = finding["eventTime"]?.stringValue, Timestamp.epochMilliseconds(rfc3339: time) != nil else {
            return "Invalid value at 'finding.event_time' (type.googleapis.com/google.protobuf.Timestamp)"
        }
        if let severity = finding["severity"]?.stringValue, !["CRITICAL", "HIGH", "MEDIUM", "LOW"].contains(severity) {
            return "Invalid value at 'finding.severity'"
        }
        if let properties = finding["sourceProperties"], properties.objectValue == nil { return "finding.source_properties must be a map" }
        return nil
    }

    /// Serves the token endpoint at `/token` and SCC under `/v1` on loopback.
    public func serve() async throws -> HTTPServerHandle {
        let router = Router()
        router.post("token") { [self] request, _ in
            let body = try await request.body.collect(upTo: 1 << 20)
            let form = FormData(String(buffer: body))
            let (status, text) = await issueToken(form: form)
            return Response(
                status: .init(code: status), headers: [.contentType: "application/json"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        }
        router.post("v1/organizations/:org/sources/:source/findings") { [self] request, context in
            try await findingResponse(request, context, method: "POST", id: request.uri.queryParameters.get("findingId"))
        }
        router.patch("v1/organizations/:org/sources/:source/findings/:id") { [self] request, context in
            try await findingResponse(request, context, method: "PATCH", id: context.parameters.get("id"))
        }
        let server = try await HTTPServerHandle.start(router: router)
        tokenURI = server.url + "/token"
        return server
    }

    func findingResponse(_ request: Request, _ context: BasicRequestContext, method: String, id: String?) async throws -> Response {
        let body = try await request.body.collect(upTo: 1 << 20)
        let (status, text) = handleFinding(
            method: method, organization: context.parameters.get("org") ?? "", source: context.parameters.get("source") ?? "",
            findingID: id, updateMask: request.uri.queryParameters.get("updateMask"), authorization: request.headers[.authorization],
            body: Array(body.readableBytesView))
        return Response(
            status: .init(code: status), headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}
