import Foundation
import RelayHTTP
import RelayModel
import RelayStore

/// `snowflake`: Snowpipe through an S3 stage. Events are rolled up per `rollUpInterval` as the `aws_s3` integration
/// named by `stagingIntegrationId` does it, the object is written to that integration's bucket, and Snowpipe's
/// `insertFiles` is called for `pipename` with the object's path relative to the stage, authorized by a key-pair JWT
/// signed with `privateKey` (decrypted with `passphrase` when given). Rows stay in the outbox until Snowpipe has
/// queued the file; a retry writes the same key again, which Snowpipe's load history loads once.
public struct SnowflakeDestination: Destination {
    let config: Config
    /// The staging `aws_s3` integration's destination, writing objects named after this integration.
    let stage: S3Destination
    let clock: @Sendable () -> Int64

    public init(
        integrationID: String, config: JSONObject, staging: Integration, aws: AWSCredentialChain, clock: @escaping @Sendable () -> Int64
    ) {
        self.config = Config(config)
        var stageConfig = S3Destination.Config(staging.config)
        stageConfig.rollUpMinutes = self.config.rollUpMinutes
        stageConfig.format = self.config.format
        stage = S3Destination(integrationID: integrationID, config: stageConfig, aws: aws)
        self.clock = clock
    }

    public var maxBatch: Int { stage.maxBatch }

    public func split(_ due: [QueuedDelivery]) -> [Int] { stage.split(due) }

    /// The `insertFiles` request for one staged file.
    public func insertFiles(path: String, size: Int, user: SnowflakeUser, token: String) -> DestinationRequest {
        let pipe = config.pipename
        let requestID = Self.uuid(EventID.digest([pipe, path]))
        let body: JSONValue = .object(["files": .array([.object(["path": .string(path), "size": .int(Int64(size))])])])
        return DestinationRequest(
            url: "\(user.baseURL)/v1/data/pipes/\(SigV4.encode(pipe))/insertFiles?requestId=\(requestID)",
            headers: [
                ("Authorization", "Bearer \(token)"), ("X-Snowflake-Authorization-Token-Type", "KEYPAIR_JWT"),
                ("Content-Type", "application/json"), ("Accept", "application/json"),
            ],
            body: body.jsonBytes())
    }

    /// The key-pair JWT, good for an hour.
    public func token(now: Int64) throws(CredentialError) -> (SnowflakeUser, String) {
        let user = try SnowflakeUser(username: config.username, hostUrl: config.hostUrl)
        let signer = try RS256(pem: config.privateKey, passphrase: config.passphrase)
        do {
            return (user, try signer.token(claims: user.claims(fingerprint: signer.publicKeyFingerprint, now: now)))
        } catch {
            throw CredentialError("the private key cannot sign: \(error)")
        }
    }

    public func deliver(_ batch: [QueuedDelivery], over http: HTTPExchange) async -> BatchOutcome {
        guard let first = batch.first else { return .all(.delivered) }
        let closes = stage.rollUp.windowEnd(first.createdAt)
        guard closes <= clock() else { return .all(.held(until: closes)) }
        do {
            let (key, body) = try stage.object(for: batch)
            return .all(await load(key: key, body: body, over: http))
        } catch {
            return .all(.rejected(reason: "the file could not be built: \(error)", statusCode: nil))
        }
    }

    /// "Test" stages and loads its event at once.
    public func deliverTest(_ item: QueuedDelivery, over http: HTTPExchange) async -> BatchOutcome {
        do {
            let body = try stage.object(for: [item]).body
            return .all(await load(key: stage.testKey, body: body, over: http))
        } catch {
            return .all(.rejected(reason: "the file could not be built: \(error)", statusCode: nil))
        }
    }

    /// Writes the file to the stage, then asks Snowpipe to load it.
    func load(key: String, body: [UInt8], over http: HTTPExchange) async -> DeliveryOutcome {
        let (user, token): (SnowflakeUser, String)
        do {
            (user, token) = try self.token(now: clock())
        } catch {
            return error.outcome("Snowflake")
        }
        let staged = await stage.put(key: key, body: body, over: http)
        guard staged == .delivered else { return staged }
        // Paths are relative to the stage, which points at the staging integration's s3Uri.
        let path = String(key.dropFirst(stage.location.prefix.count).drop(while: { $0 == "/" }))
        switch await http.send(insertFiles(path: path, size: body.count, user: user, token: token)) {
        case .failure(let failure): return failure.outcome
        case .success(let response): return Self.classify(response, fingerprintOf: user)
        }
    }

    /// Snowpipe's answers: 200 `SUCCESS` queued; 401 a JWT it refused; 404 no such pipe (or no privilege on it);
    /// 429 and 5xx retried; other 4xx refused.
    static func classify(_ response: DestinationResponse, fingerprintOf user: SnowflakeUser) -> DeliveryOutcome {
        let json = try? JSONValue.parse(response.body)
        let message = RemoteDetail.text(in: response.body)
        let text = "Snowpipe answered HTTP \(response.status)\(json?["code"]?.stringValue.map { " \($0)" } ?? ""): \(message)"
        switch response.status {
        case 200:
            let code = json?["responseCode"]?.stringValue
            return code == "SUCCESS"
                ? .delivered : .retryLater(reason: "\(text) (responseCode \(code ?? "missing"))", statusCode: 200, wait: nil)
        case 401, 403:
            return .credentialsRefused(
                reason:
                    "\(text) — check privateKey and passphrase, and that the user \(user.account).\(user.user) has the matching public key",
                statusCode: response.status)
        case 404: return .credentialsRefused(reason: "\(text) — check pipename and the user's privileges on it", statusCode: 404)
        default:
            return RetryPolicy.isRetryable(status: response.status)
                ? .retryLater(reason: text, statusCode: response.status, wait: RetryPolicy.serverFloor(headers: { response.header($0) }))
                : .rejected(reason: text, statusCode: response.status)
        }
    }

    /// 32 hex digits written as a UUID.
    static func uuid(_ hex: String) -> String {
        let h = Array(hex)
        return "\(String(h[0..<8]))-\(String(h[8..<12]))-\(String(h[12..<16]))-\(String(h[16..<20]))-\(String(h[20..<32]))"
    }
}
