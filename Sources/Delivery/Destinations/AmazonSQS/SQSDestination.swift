import Foundation
import RelayHTTP
import RelayModel
import RelayStore

/// `amazon_sqs`: `SendMessageBatch` (JSON protocol) of up to 10 events, at most 1 MiB together, signed with SigV4.
/// Credentials: the config's `accessKey`/`secretKey` when `moreInfo` is true, else the relay's own (the standard
/// chain), with `roleArn` + `externalId` assumed through STS. FIFO queues get `MessageGroupId` (the alert id, so
/// an alert's events stay in order) and `MessageDeduplicationId` (the event id). Failed entries are retried or
/// dead-lettered by their `SenderFault`.
public struct SQSDestination: Destination {
    let config: Config
    let aws: AWSCredentialChain

    /// From a validated `integrationConfig`.
    public init(config: JSONObject, aws: AWSCredentialChain) { self.init(config: Config(config), aws: aws) }

    public init(config: Config, aws: AWSCredentialChain) {
        self.config = config
        self.aws = aws
    }

    public var maxBatch: Int { 10 }
    /// SQS takes 1 MiB per batch; message bodies are kept under it with room for the envelope.
    public static let maxBatchBytes = 1_000_000

    /// A message stays under 256 KiB, the limit consumers written before SQS took 1 MiB still assume.
    public func fitted(_ event: NormalizedEvent) -> NormalizedEvent {
        EventFit.fit(event, limit: 250_000) { config.format.render($0).jsonBytes().count }
    }

    public func split(_ due: [QueuedDelivery]) -> [Int] {
        split(due, maxBytes: Self.maxBatchBytes) { config.format.render($0).jsonBytes().count }
    }

    var queueURL: String { config.queueUrl }

    /// The queue's region: from an AWS queue host (`sqs.eu-west-1.amazonaws.com`, `eu-west-1.queue.amazonaws.com`), else
    /// the relay's default region.
    var region: String {
        let host = URLComponents(string: queueURL)?.host ?? ""
        let labels = host.split(separator: ".")
        if host.hasSuffix(".amazonaws.com"), labels.count >= 4 {
            return String(labels[0] == "sqs" ? labels[1] : labels[0])
        }
        return aws.environment.defaultRegion
    }

    /// Where the JSON protocol is posted: the queue's own host, unless `AWS_ENDPOINT_URL_SQS` says otherwise.
    var endpoint: String {
        if let override = aws.environment.endpointOverride(service: "sqs") { return override + "/" }
        guard let components = URLComponents(string: queueURL), let scheme = components.scheme, let host = components.host else {
            return queueURL
        }
        return "\(scheme)://\(host)\(components.port.map { ":\($0)" } ?? "")/"
    }

    var credentialRequest: AWSCredentialChain.Request {
        AWSCredentialChain.Request(
            accessKey: config.accessKey, secretKey: config.secretKey, roleArn: config.roleArn, externalID: config.externalId, region: region
        )
    }

    /// The unsigned `SendMessageBatch` request.
    public func request(for batch: [NormalizedEvent]) -> DestinationRequest {
        let fifo = queueURL.hasSuffix(".fifo")
        let entries: [JSONValue] = batch.enumerated().map { index, event in
            var entry: JSONObject = [
                "Id": .string("e\(index)"), "MessageBody": .string(config.format.render(event).jsonString()),
                "MessageAttributes": .object([
                    "severity": .object(["DataType": .string("String"), "StringValue": .string(event.severity.rawValue)]),
                    "status": .object(["DataType": .string("String"), "StringValue": .string(event.status)]),
                    "kind": .object(["DataType": .string("String"), "StringValue": .string(event.kind.rawValue)]),
                ]),
            ]
            if fifo {
                entry["MessageGroupId"] = .string(String(AlertKey.of(event).prefix(128)))
                entry["MessageDeduplicationId"] = .string(event.id)
            }
            return .object(entry)
        }
        let body: JSONValue = .object(["QueueUrl": .string(queueURL), "Entries": .array(entries)])
        return DestinationRequest(
            url: endpoint, headers: [("Content-Type", "application/x-amz-json-1.0"), ("X-Amz-Target", "AmazonSQS.SendMessageBatch")],
            body: body.jsonBytes())
    }

    public func deliver(_ batch: [QueuedDelivery], over http: HTTPExchange) async -> BatchOutcome {
        let credentials: AWSCredentials
        do {
            credentials = try await aws.credentials(for: credentialRequest)
        } catch {
            return .all(error.outcome("SQS"))
        }
        let request = SigV4(credentials: credentials, region: region, service: "sqs")
            .signed(request(for: batch.map(\.event)), at: aws.environment.clock())
        let response: DestinationResponse
        switch await http.send(request) {
        case .success(let answer): response = answer
        case .failure(let failure): return .all(failure.outcome)
        }
        if let error = AWSError(response) {
            if error.sessionExpired { await aws.forget() }
            return .all(error.outcome(service: "SQS", target: "queueUrl"))
        }
        return Self.outcomes(of: response, batchSize: batch.count)
    }

    /// Per-entry outcomes of a `SendMessageBatch` answer: `Successful` delivered, `Failed` by `SenderFault`.
    public static func outcomes(of response: DestinationResponse, batchSize: Int) -> BatchOutcome {
        guard let json = try? JSONValue.parse(response.body) else {
            return .all(
                .retryLater(
                    reason: "SQS answered HTTP \(response.status) with a body that is not JSON", statusCode: response.status, wait: nil))
        }
        var outcomes = [DeliveryOutcome](
            repeating: .retryLater(reason: "SQS did not report this message", statusCode: response.status, wait: nil), count: batchSize)
        for success in json["Successful"]?.arrayValue ?? [] {
            if let index = success["Id"]?.stringValue.flatMap({ Int($0.dropFirst()) }), outcomes.indices.contains(index) {
                outcomes[index] = .delivered
            }
        }
        for failure in json["Failed"]?.arrayValue ?? [] {
            guard let index = failure["Id"]?.stringValue.flatMap({ Int($0.dropFirst()) }), outcomes.indices.contains(index) else {
                continue
            }
            let reason = "SQS refused the message: \(failure["Code"]?.stringValue ?? "?"): \(failure["Message"]?.stringValue ?? "")"
            outcomes[index] =
                failure["SenderFault"]?.boolValue == true
                ? .rejected(reason: reason, statusCode: response.status)
                : .retryLater(reason: reason, statusCode: response.status, wait: nil)
        }
        return .each(outcomes)
    }
}
