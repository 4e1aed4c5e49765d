import CompressNIO
import Foundation
import NIOCore
import RelayHTTP
import RelayModel
import RelayStore

/// `aws_s3`: events rolled up per `rollUpInterval` minutes into one gzip'd newline-delimited JSON object per
/// integration and window (more parts when a window holds more than `maxBatch` events), `PUT` under the `s3Uri`
/// bucket and prefix with a deterministic key, signed with SigV4 as the `roleArn` the relay assumes with
/// `externalId`. Rows wait in the outbox until their window has closed and its object exists.
public struct S3Destination: Destination {
    let integrationID: String
    let config: Config
    let aws: AWSCredentialChain

    /// From a validated `integrationConfig`.
    public init(integrationID: String, config: JSONObject, aws: AWSCredentialChain) {
        self.init(integrationID: integrationID, config: Config(config), aws: aws)
    }

    public init(integrationID: String, config: Config, aws: AWSCredentialChain) {
        self.integrationID = integrationID
        self.config = config
        self.aws = aws
    }

    public var maxBatch: Int { 5_000 }

    var rollUp: RollUp { RollUp(minutes: config.rollUpMinutes) }
    var region: String { config.region ?? aws.environment.defaultRegion }

    /// `s3://bucket/prefix/` → (bucket, prefix).
    var location: (bucket: String, prefix: String) {
        let path = config.s3Uri.dropFirst("s3://".count)
        let parts = path.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        return (String(parts.first ?? ""), parts.count > 1 ? String(parts[1]) : "")
    }

    /// Batches never mix windows.
    public func split(_ due: [QueuedDelivery]) -> [Int] {
        var sizes: [Int] = []
        var count = 0
        var window: Int64?
        for item in due {
            let start = rollUp.windowStart(item.createdAt)
            if count > 0, count == maxBatch || start != window {
                sizes.append(count)
                count = 0
            }
            window = start
            count += 1
        }
        if count > 0 { sizes.append(count) }
        return sizes
    }

    /// The object's URL: virtual-hosted on AWS, path-style under an `AWS_ENDPOINT_URL_S3` override.
    func url(key: String) -> String {
        let (bucket, _) = location
        let path = key.split(separator: "/", omittingEmptySubsequences: false).map { SigV4.encode(String($0)) }.joined(separator: "/")
        if let override = aws.environment.endpointOverride(service: "s3") { return "\(override)/\(bucket)/\(path)" }
        return "https://\(bucket).s3.\(region).amazonaws.com/\(path)"
    }

    /// The object of one part: its key and gzip'd newline-delimited events.
    public func object(for batch: [QueuedDelivery]) throws -> (key: String, body: [UInt8]) {
        guard let first = batch.first else { throw DestinationError.missing("an event") }
        let key = RollUp.key(
            prefix: location.prefix, integrationID: integrationID, windowStart: rollUp.windowStart(first.createdAt), part: first.seq)
        var lines = ByteBuffer()
        for item in batch {
            lines.writeBytes(config.format.render(item.event).jsonBytes())
            lines.writeInteger(UInt8(ascii: "\n"))
        }
        return (key, Array(try lines.compress(with: .gzip()).readableBytesView))
    }

    public func deliver(_ batch: [QueuedDelivery], over http: HTTPExchange) async -> BatchOutcome {
        guard let first = batch.first else { return .all(.delivered) }
        let closes = rollUp.windowEnd(first.createdAt)
        guard closes <= aws.environment.clock() else { return .all(.held(until: closes)) }
        do {
            let (key, body) = try object(for: batch)
            return .all(await put(key: key, body: body, over: http))
        } catch {
            return .all(.rejected(reason: "the object could not be built: \(error)", statusCode: nil))
        }
    }

    /// Where "Test" writes its event: `<prefix>/prisma-relay-test-<integration>.json.gz`.
    var testKey: String {
        let prefix = location.prefix
        return prefix + (prefix.isEmpty || prefix.hasSuffix("/") ? "" : "/") + "prisma-relay-test-\(integrationID).json.gz"
    }

    /// "Test" writes its event at once, outside the windows.
    public func deliverTest(_ item: QueuedDelivery, over http: HTTPExchange) async -> BatchOutcome {
        do {
            let body = try object(for: [item]).body
            return .all(await put(key: testKey, body: body, over: http))
        } catch {
            return .all(.rejected(reason: "the object could not be built: \(error)", statusCode: nil))
        }
    }

    /// `PutObject`, signed as the assumed role.
    func put(key: String, body: [UInt8], over http: HTTPExchange) async -> DeliveryOutcome {
        let credentials: AWSCredentials
        do {
            credentials = try await aws.credentials(
                for: .init(roleArn: config.roleArn, externalID: config.externalId, region: region))
        } catch {
            return error.outcome("S3")
        }
        let request = DestinationRequest(method: "PUT", url: url(key: key), headers: [("Content-Type", "application/gzip")], body: body)
        switch await http.send(SigV4(credentials: credentials, region: region, service: "s3").signed(request, at: aws.environment.clock()))
        {
        case .failure(let failure): return failure.outcome
        case .success(let response):
            guard let error = AWSError(response) else { return .delivered }
            if error.sessionExpired { await aws.forget() }
            return error.outcome(service: "S3", target: "s3Uri and region")
        }
    }
}
