import Delivery
import Foundation
import NIOHTTP1
import RelayHTTP
import RelayModel

/// The `moto_server` that `scripts/test` starts (its URL in `PRISMA_RELAY_MOTO_URL`), with signature checking on:
/// an IAM user with an access key, and a role that trusts that user only with one external ID, made once.
actor Moto {
    static let shared = Moto()

    struct Account: Sendable {
        var url: String
        /// The IAM user's key: allowed everything.
        var user: AWSCredentials
        var roleArn: String
        var externalID: String
        /// The relay's environment for this server: endpoints pointed at it, the user's key as its own identity.
        var environment: [String: String] {
            [
                "AWS_ENDPOINT_URL": url, "AWS_ACCESS_KEY_ID": user.accessKeyID, "AWS_SECRET_ACCESS_KEY": user.secretAccessKey,
                "AWS_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true",
            ]
        }
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    private var made: Task<Account, any Error>?
    let http = HTTPExchange(policy: .allowingLoopback)

    /// The account, made by the first caller (the actor lets callers in while it awaits, so they share one task).
    func setUp() async throws -> Account {
        if made == nil { made = Task { try await self.make() } }
        return try await made!.value
    }

    private func make() async throws -> Account {
        guard let url = ProcessInfo.processInfo.environment["PRISMA_RELAY_MOTO_URL"] else {
            throw Failure(description: "PRISMA_RELAY_MOTO_URL is not set: run the tests with scripts/test, which starts moto_server")
        }
        // The next five actions run unauthenticated (creating the identities); from then on every signature is checked.
        let reset = try await http.send(.POST, url + "/moto-api/reset-auth", body: Array("5".utf8), contentType: "text/plain")
        guard reset.status == 200 else { throw Failure(description: "moto reset-auth answered \(reset.status)") }
        let anyone = AWSCredentials(accessKeyID: "AKIASETUP", secretAccessKey: "setup", origin: "setup")
        let user = "relay-\(UUID().uuidString.prefix(8))"
        let externalID = UUID().uuidString.lowercased()
        _ = try await iam(url, anyone, ["Action": "CreateUser", "UserName": user])
        let key = try await iam(url, anyone, ["Action": "CreateAccessKey", "UserName": user])
        let allowAll = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#
        _ = try await iam(url, anyone, ["Action": "PutUserPolicy", "UserName": user, "PolicyName": "all", "PolicyDocument": allowAll])
        let trust =
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/\#(user)"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"\#(externalID)"}}}]}"#
        let role = try await iam(url, anyone, ["Action": "CreateRole", "RoleName": "\(user)-writer", "AssumeRolePolicyDocument": trust])
        _ = try await iam(
            url, anyone, ["Action": "PutRolePolicy", "RoleName": "\(user)-writer", "PolicyName": "all", "PolicyDocument": allowAll])
        guard let keyID = xml("AccessKeyId", key), let secret = xml("SecretAccessKey", key), let roleArn = xml("Arn", role) else {
            throw Failure(description: "moto's IAM answers lacked the key or the role")
        }
        return Account(
            url: url, user: AWSCredentials(accessKeyID: keyID, secretAccessKey: secret, origin: "moto user"), roleArn: roleArn,
            externalID: externalID)
    }

    /// An IAM query-protocol call.
    func iam(_ url: String, _ credentials: AWSCredentials, _ fields: [String: String]) async throws -> [UInt8] {
        let form = (fields.merging(["Version": "2010-05-08"]) { a, _ in a }).sorted { $0.key < $1.key }
            .map { "\(SigV4.encode($0.key))=\(SigV4.encode($0.value))" }.joined(separator: "&")
        let answer = try await call(
            DestinationRequest(url: url + "/", headers: [("Content-Type", "application/x-www-form-urlencoded")], body: Array(form.utf8)),
            credentials, service: "iam")
        guard answer.status == 200 else {
            throw Failure(
                description: "IAM \(fields["Action"] ?? "") answered \(answer.status): \(String(decoding: answer.body, as: UTF8.self))")
        }
        return answer.body
    }

    /// Sends a request signed for `service`.
    func call(_ request: DestinationRequest, _ credentials: AWSCredentials, service: String) async throws -> DestinationResponse {
        let signed = SigV4(credentials: credentials, region: "us-east-1", service: service).signed(
            request, at: Int64(Date().timeIntervalSince1970 * 1000))
        switch await http.send(signed) {
        case .success(let answer): return answer
        case .failure(let failure): throw Failure(description: "\(failure.url): \(failure.error)")
        }
    }

    /// An SQS JSON-protocol call.
    func sqs(_ target: String, _ body: JSONValue, _ credentials: AWSCredentials) async throws -> JSONValue {
        let account = try await setUp()
        let answer = try await call(
            DestinationRequest(
                url: account.url + "/", headers: [("Content-Type", "application/x-amz-json-1.0"), ("X-Amz-Target", "AmazonSQS.\(target)")],
                body: body.jsonBytes()), credentials, service: "sqs")
        guard answer.status == 200 else {
            throw Failure(description: "SQS \(target) answered \(answer.status): \(String(decoding: answer.body, as: UTF8.self))")
        }
        return try JSONValue.parse(answer.body)
    }

    /// Creates a queue (FIFO when the name ends in `.fifo`) and returns its URL.
    func createQueue(_ name: String) async throws -> String {
        let account = try await setUp()
        var attributes: JSONObject = [:]
        if name.hasSuffix(".fifo") { attributes["FifoQueue"] = .string("true") }
        let answer = try await sqs("CreateQueue", .object(["QueueName": .string(name), "Attributes": .object(attributes)]), account.user)
        guard let url = answer["QueueUrl"]?.stringValue else { throw Failure(description: "CreateQueue gave no QueueUrl") }
        return url
    }

    /// Every message waiting in a queue (received, then deleted).
    func drain(_ queueURL: String) async throws -> [JSONValue] {
        let account = try await setUp()
        var messages: [JSONValue] = []
        while true {
            let answer = try await sqs(
                "ReceiveMessage",
                .object([
                    "QueueUrl": .string(queueURL), "MaxNumberOfMessages": .int(10), "MessageSystemAttributeNames": .array([.string("All")]),
                    "MessageAttributeNames": .array([.string("All")]), "VisibilityTimeout": .int(60),
                ]), account.user)
            let batch = answer["Messages"]?.arrayValue ?? []
            if batch.isEmpty { return messages }
            messages += batch
            for message in batch {
                _ = try await sqs(
                    "DeleteMessage", .object(["QueueUrl": .string(queueURL), "ReceiptHandle": message["ReceiptHandle"] ?? .null]),
                    account.user)
            }
        }
    }

    /// Creates a bucket.
    func createBucket(_ name: String) async throws {
        let account = try await setUp()
        let answer = try await call(
            DestinationRequest(method: "PUT", url: "\(account.url)/\(name)", headers: [], body: []), account.user, service: "s3")
        guard answer.status == 200 else { throw Failure(description: "CreateBucket answered \(answer.status)") }
    }

    /// The keys under a bucket's prefix. (moto 5.2 miscomputes signatures of listings with a `prefix` parameter
    /// holding a slash, so the listing is whole and filtered here.)
    func keys(bucket: String, prefix: String) async throws -> [String] {
        let account = try await setUp()
        var keys: [String] = []
        var token: String?
        repeat {
            var url = "\(account.url)/\(bucket)?list-type=2"
            if let token { url += "&continuation-token=\(SigV4.encode(token))" }
            let answer = try await call(DestinationRequest(method: "GET", url: url, headers: [], body: []), account.user, service: "s3")
            guard answer.status == 200 else {
                throw Failure(description: "ListObjectsV2 answered \(answer.status): \(String(decoding: answer.body, as: UTF8.self))")
            }
            let text = String(decoding: answer.body, as: UTF8.self)
            keys += text.components(separatedBy: "<Key>").dropFirst().compactMap { $0.components(separatedBy: "</Key>").first }
                .filter { $0.hasPrefix(prefix) }
            token = xml("NextContinuationToken", answer.body)
        } while token != nil
        return keys
    }

    /// An object's bytes.
    func object(bucket: String, key: String) async throws -> [UInt8] {
        let account = try await setUp()
        let path = key.split(separator: "/", omittingEmptySubsequences: false).map { SigV4.encode(String($0)) }.joined(separator: "/")
        let answer = try await call(
            DestinationRequest(method: "GET", url: "\(account.url)/\(bucket)/\(path)", headers: [], body: []), account.user, service: "s3")
        guard answer.status == 200 else { throw Failure(description: "GetObject \(key) answered \(answer.status)") }
        return answer.body
    }

    nonisolated func xml(_ tag: String, _ body: [UInt8]) -> String? {
        let text = String(decoding: body, as: UTF8.self)
        guard let open = text.range(of: "<\(tag)>"), let close = text.range(of: "</\(tag)>", range: open.upperBound..<text.endIndex) else {
            return nil
        }
        return String(text[open.upperBound..<close.lowerBound])
    }
}
