import Crypto
import Foundation
import HTTPServing
import HTTPTypes
import Hummingbird
import NIOCore
import RelayModel

/// A strict Azure Service Bus queue for tests, from the REST contract: `POST /{queue}/messages` with a SAS token whose
/// HMAC-SHA256 it recomputes from its own key (`sr` must name this queue or its namespace, `se` must lie ahead, `skn`
/// must be the key's name), or a bearer token it issued itself at `/{tenant}/oauth2/v2.0/token` to a client with the
/// right secret (standing in for Microsoft Entra ID). Batches (`application/vnd.microsoft.servicebus.json`) are
/// arrays of `{Body, BrokerProperties, UserProperties}`; with duplicate detection a repeated `MessageId` is dropped.
/// Answers as Service Bus does: 201, 400, 401, 403 (too large), 404 (no such queue), 503 when scripted.
public actor ServiceBusReceiver {
    /// One message that was enqueued.
    public struct Message: Sendable {
        public var body: String
        public var messageID: String?
        public var userProperties: JSONValue?
    }

    let queue: String
    let keyName: String
    let key: String
    let tenant: String
    let clientID: String
    let clientSecret: String
    public private(set) var messages: [Message] = []
    /// Sends whose every message was a repeat (dropped by duplicate detection).
    public private(set) var duplicates = 0
    public private(set) var requests = 0
    private var issued: Set<String> = []
    /// Scripted refusals before the real answers.
    private var busy = FailureScript<Void>()
    private var seen: Set<String> = []

    public init(
        queue: String, keyName: String, key: String, tenant: String = "tenant-1", clientID: String = "client-1",
        clientSecret: String = "s3cret"
    ) {
        self.queue = queue
        self.keyName = keyName
        self.key = key
        self.tenant = tenant
        self.clientID = clientID
        self.clientSecret = clientSecret
    }

    /// Answer 503 "server busy" to the next `count` sends.
    public func beBusy(_ count: Int) { busy.add(Array(repeating: (), count: count)) }

    static func error(_ code: Int, _ detail: String) -> String { "<Error><Code>\(code)</Code><Detail>\(detail)</Detail></Error>" }

    /// Checks a SAS token: every part present, the signature recomputed, not expired, for this resource.
    func checkSAS(_ header: String, host: String) -> String? {
        guard header.hasPrefix("SharedAccessSignature ") else { return "MalformedToken: the token is not a SharedAccessSignature" }
        var fields: [String: String] = [:]
        for pair in header.dropFirst("SharedAccessSignature ".count).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            if parts.count == 2 { fields[String(parts[0])] = String(parts[1]) }
        }
        guard let rawResource = fields["sr"], let rawSignature = fields["sig"], let expiry = fields["se"].flatMap({ Int64($0) }),
            let name = fields["skn"]?.removingPercentEncoding
        else { return "MalformedToken: sr, sig, se and skn are required" }
        guard name == keyName else { return "InvalidSignature: the key \(name) is unknown" }
        guard expiry > Int64(Date().timeIntervalSince1970) else { return "ExpiredToken: the token has expired" }
        let resource = (rawResource.removingPercentEncoding ?? "").lowercased()
        let queueURL = "http://\(host)/\(queue)".lowercased()
        guard queueURL == resource || queueURL.hasPrefix(resource.hasSuffix("/") ? resource : resource + "/") else {
            return "InvalidAudience: the token is for \(resource), not \(queueURL)"
        }
        let expected = Data(
            HMAC<SHA256>.authenticationCode(for: Data("\(rawResource)\n\(expiry)".utf8), using: SymmetricKey(data: Data(key.utf8))))
        guard Data(base64Encoded: rawSignature.removingPercentEncoding ?? "") == expected else {
            return "InvalidSignature: The token has an invalid signature."
        }
        return nil
    }

    func handleSend(queue: String, authorization: String?, contentType: String?, host: String, body: [UInt8]) -> (Int, String) {
        requests += 1
        guard let authorization else { return (401, Self.error(401, "MissingToken: The authorization header was not provided.")) }
        if authorization.hasPrefix("Bearer ") {
            guard issued.contains(String(authorization.dropFirst(7))) else {
                return (401, Self.error(401, "InvalidToken: the bearer token is not valid"))
            }
        } else if let problem = checkSAS(authorization, host: host) {
            return (401, Self.error(401, problem))
        }
        guard queue == self.queue else { return (404, Self.error(404, "The messaging entity '\(queue)' could not be found.")) }
        if busy.next() != nil {
            return (503, Self.error(503, "The server is busy. Please try again later."))
        }
        guard body.count <= 256 * 1024 else { return (403, Self.error(403, "The message size exceeds the limit of 262144 bytes.")) }
        var batch: [Message] = []
        if contentType?.hasPrefix("application/vnd.microsoft.servicebus.json") == true {
            guard let items = (try? JSONValue.parse(body))?.arrayValue, !items.isEmpty else {
                return (400, Self.error(400, "The batch body must be a non-empty JSON array."))
            }
            for item in items {
                guard let text = item["Body"]?.stringValue else {
                    return (400, Self.error(400, "Every batched message needs a Body string."))
                }
                batch.append(
                    Message(
                        body: text, messageID: item["BrokerProperties"]?["MessageId"]?.stringValue, userProperties: item["UserProperties"]))
            }
        } else {
            batch.append(Message(body: String(decoding: body, as: UTF8.self), messageID: nil, userProperties: nil))
        }
        var fresh = 0
        for message in batch {
            if let id = message.messageID, !seen.insert(id).inserted { continue }
            messages.append(message)
            fresh += 1
        }
        if fresh == 0 { duplicates += 1 }
        return (201, "")
    }

    func handleToken(tenant: String, form: FormData) -> (Int, String) {
        guard tenant == self.tenant else {
            return (400, #"{"error":"invalid_request","error_description":"AADSTS90002: Tenant '\#(tenant)' not found."}"#)
        }
        guard form["grant_type"] == "client_credentials", form["scope"] == "https://servicebus.azure.net/.default" else {
            return (400, #"{"error":"invalid_request","error_description":"AADSTS900144: grant_type and scope are required."}"#)
        }
        guard form["client_id"] == clientID, form["client_secret"] == clientSecret else {
            return (401, #"{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided."}"#)
        }
        let token = UUID().uuidString
        issued.insert(token)
        return (200, #"{"token_type":"Bearer","expires_in":3599,"access_token":"\#(token)"}"#)
    }

    /// Serves the queue at `/{queue}/messages` and the token endpoint at `/{tenant}/oauth2/v2.0/token` on loopback.
    public func serve() async throws -> HTTPServerHandle {
        let router = Router()
        router.post(":segment/messages") { [self] request, context in
            let body = try await request.body.collect(upTo: 4 << 20)
            let (status, text) = await handleSend(
                queue: context.parameters.get("segment") ?? "", authorization: request.headers[.authorization],
                contentType: request.headers[.contentType], host: request.head.authority ?? "", body: Array(body.readableBytesView))
            return Response(
                status: .init(code: status), headers: [.contentType: "application/xml"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        }
        router.post(":segment/oauth2/v2.0/token") { [self] request, context in
            let body = try await request.body.collect(upTo: 1 << 20)
            let form = FormData(String(buffer: body))
            let (status, text) = await handleToken(tenant: context.parameters.get("segment") ?? "", form: form)
            return Response(
                status: .init(code: status), headers: [.contentType: "application/json"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        }
        return try await HTTPServerHandle.start(router: router)
    }
}
