import Foundation
import RelayHTTP
import RelayModel
import RelayStore

/// `azure_service_bus_queue`: a batch of messages `POST`ed to `{queueUrl}/messages` as
/// `application/vnd.microsoft.servicebus.json`, each the normalized event with `MessageId` = event id in its broker
/// properties (a queue with duplicate detection drops repeats). Authorized by a SAS token computed from
/// `connectionString`, or — for the `accountId` variant — by an OAuth token of the relay's Azure service principal.
public struct ServiceBusDestination: Destination {
    let config: Config
    let azure: AzureCredential
    let clock: @Sendable () -> Int64

    /// From a validated `integrationConfig`.
    public init(config: JSONObject, azure: AzureCredential, clock: @escaping @Sendable () -> Int64) {
        self.init(config: Config(config), azure: azure, clock: clock)
    }

    public init(config: Config, azure: AzureCredential, clock: @escaping @Sendable () -> Int64) {
        self.config = config
        self.azure = azure
        self.clock = clock
    }

    public var maxBatch: Int { 100 }
    /// Standard tier: 256 KB per send, headers included; the bodies stay under 200 KB.
    public static let maxBatchBytes = 200_000

    /// A message fits a batch, and so the 256 KB a Standard tier queue takes.
    public func fitted(_ event: NormalizedEvent) -> NormalizedEvent {
        EventFit.fit(event, limit: Self.maxBatchBytes - 1_000) { config.format.render($0).jsonBytes().count + 200 }
    }

    public func split(_ due: [QueuedDelivery]) -> [Int] {
        split(due, maxBytes: Self.maxBatchBytes, separator: 1) { config.format.render($0).jsonBytes().count + 200 }
    }

    /// `{queueUrl}` without a trailing slash.
    var queueURL: String {
        var url = config.queueUrl
        while url.hasSuffix("/") { url.removeLast() }
        return url
    }

    /// The request for `batch`, authorized with `authorization`.
    public func request(for batch: [NormalizedEvent], authorization: String) -> DestinationRequest {
        let messages: [JSONValue] = batch.map { event in
            .object([
                "Body": .string(config.format.render(event).jsonString()),
                "BrokerProperties": .object([
                    "MessageId": .string(event.id), "Label": .string(String(event.title.prefix(128))),
                    "ContentType": .string("application/json"),
                ]),
                "UserProperties": .object([
                    "severity": .string(event.severity.rawValue), "status": .string(event.status), "kind": .string(event.kind.rawValue),
                    "alertId": .string(event.nativeID),
                ]),
            ])
        }
        return DestinationRequest(
            url: queueURL + "/messages",
            headers: [("Authorization", authorization), ("Content-Type", "application/vnd.microsoft.servicebus.json")],
            body: JSONValue.array(messages).jsonBytes())
    }

    /// A SAS token from `connectionString` for the queue, valid an hour; or the service principal's bearer token.
    func authorization() async throws(CredentialError) -> String {
        if let text = config.connectionString, !text.isEmpty {
            guard let connection = SharedAccessSignature.ConnectionString(text) else {
                throw CredentialError("connectionString lacks Endpoint, SharedAccessKeyName or SharedAccessKey")
            }
            return connection.signature.token(resourceURI: queueURL, expiry: clock() / 1000 + 3600)
        }
        return "Bearer " + (try await azure.token(scope: "https://servicebus.azure.net/.default"))
    }

    public func deliver(_ batch: [QueuedDelivery], over http: HTTPExchange) async -> BatchOutcome {
        let authorization: String
        do {
            authorization = try await self.authorization()
        } catch {
            return .all(error.outcome("Azure Service Bus"))
        }
        switch await http.send(request(for: batch.map(\.event), authorization: authorization)) {
        case .failure(let failure): return .all(failure.outcome)
        case .success(let response): return .all(Self.classify(response))
        }
    }

    /// Service Bus's answers: 201 sent; 401 refused; 404/410 no such queue; 403 quota (retried) or too large; 5xx busy.
    static func classify(_ response: DestinationResponse) -> DeliveryOutcome {
        // Service Bus explains an error in `<Error><Code/><Detail/></Error>`.
        let raw = AWSXML.first("Detail", in: response.body) ?? String(decoding: response.body.prefix(400), as: UTF8.self)
        let detail = RemoteDetail.clean(raw)
        let text = "Azure Service Bus answered HTTP \(response.status)\(detail.isEmpty ? "" : ": \(detail)")"
        switch response.status {
        case 200..<300: return .delivered
        case 401: return .credentialsRefused(reason: "\(text) — check connectionString (or the service principal's role)", statusCode: 401)
        case 404, 410: return .credentialsRefused(reason: "\(text) — check queueUrl", statusCode: response.status)
        case 403:
            // A full namespace clears as consumers catch up; a message too large never fits.
            return raw.lowercased().contains("quota")
                ? .retryLater(reason: text, statusCode: 403, wait: nil) : .rejected(reason: text, statusCode: 403)
        default:
            return DeliveryOutcome.classify(
                status: response.status, retryAfter: RetryPolicy.serverFloor(headers: { response.header($0) }), detail: detail,
                destination: "Azure Service Bus")
        }
    }
}
