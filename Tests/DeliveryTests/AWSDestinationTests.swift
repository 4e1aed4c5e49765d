import Delivery
import Foundation
import RelayHTTP
import RelayModel
import RelayStore
import Testing

@Suite("AWS destinations: exact requests and answers")
struct AWSDestinationTests {
    static let aws = AWSCredentialChain(
        environment: AWSEnvironment(variables: ["AWS_REGION": "eu-west-1"], http: HTTPExchange(policy: .allowingLoopback), clock: { 0 }))

    static func event(_ id: String) throws -> NormalizedEvent {
        try AlertNormalizer.normalize(
            try JSONValue.parse(#"{"id":"\#(id)","status":"open","lastUpdated":5,"policy":{"name":"p","severity":"medium"}}"#),
            connector: "prod", observedAt: 0)
    }

    @Test("roll-up windows align to the interval; keys are dated folders with the window and the part")
    func rollUpKeys() {
        let rollUp = RollUp(minutes: 15)
        let t: Int64 = 1_763_785_000_000  // 2025-11-22T04:16:40Z
        #expect(rollUp.windowStart(t) == 1_763_784_900_000 && rollUp.windowEnd(t) == 1_763_785_800_000)
        #expect(
            RollUp.key(prefix: "prisma", integrationID: "i-1", windowStart: rollUp.windowStart(t), part: 42)
                == "prisma/2025/11/22/04/i-1-20251122T0415Z-42.json.gz")
        #expect(RollUp.key(prefix: "", integrationID: "i-1", windowStart: 0, part: 1) == "1970/01/01/00/i-1-19700101T0000Z-1.json.gz")
    }

    @Test("S3 batches never mix windows, and events of an open window are held until it closes")
    func s3Windows() async throws {
        let destination = S3Destination(
            integrationID: "i-1", config: ["s3Uri": .string("s3://b/p/"), "region": .string("us-east-1"), "rollUpInterval": .int(15)],
            aws: Self.aws)
        let window: Int64 = 900_000
        let due = try [0, 1, window + 5, window + 6, 2 * window].enumerated().map { index, time in
            QueuedDelivery(seq: Int64(index + 1), event: try Self.event("P-\(index)"), attempts: 0, createdAt: time)
        }
        #expect(destination.split(due) == [2, 2, 1])
        // The clock reads 0: the first window closes at 15 minutes.
        #expect(
            await destination.deliver(Array(due.prefix(2)), over: HTTPExchange(policy: .allowingLoopback)) == .all(.held(until: window)))
        let object = try destination.object(for: Array(due.prefix(2)))
        #expect(object.key == "p/1970/01/01/00/i-1-19700101T0000Z-1.json.gz")
        #expect(object.body.prefix(2) == [0x1F, 0x8B])
    }

    @Test("SQS SendMessageBatch is exact; a FIFO queue adds the group (connector and alert id) and deduplication (event id) ids")
    func sqsRequest() throws {
        let destination = SQSDestination(
            config: ["queueUrl": .string("https://sqs.eu-west-1.amazonaws.com/123456789012/alerts.fifo")], aws: Self.aws)
        let event = try Self.event("P-1")
        let request = destination.request(for: [event])
        #expect(request.url == "https://sqs.eu-west-1.amazonaws.com/")
        #expect(
            request.headers.map { "\($0.0): \($0.1)" } == [
                "Content-Type: application/x-amz-json-1.0", "X-Amz-Target: AmazonSQS.SendMessageBatch",
            ])
        let body = try JSONValue.parse(request.body)
        #expect(body["QueueUrl"] == .string("https://sqs.eu-west-1.amazonaws.com/123456789012/alerts.fifo"))
        let entry = try #require(body["Entries"]?.arrayValue?.first)
        #expect(
            entry["Id"] == .string("e0") && entry["MessageGroupId"] == .string("prod/P-1")
                && entry["MessageDeduplicationId"] == .string(event.id))
        #expect(entry["MessageBody"] == .string(event.jsonValue.jsonString()))
        #expect(entry["MessageAttributes"]?["severity"]?["StringValue"] == .string("medium"))
        let standard = SQSDestination(
            config: ["queueUrl": .string("https://sqs.eu-west-1.amazonaws.com/123456789012/alerts")], aws: Self.aws)
        #expect(try JSONValue.parse(standard.request(for: [event]).body)["Entries"]?.arrayValue?.first?["MessageGroupId"] == nil)
    }

    @Test("SQS per-entry failures: a sender fault is dead-lettered, a service fault retried, unreported entries retried")
    func sqsEntries() {
        let answer = DestinationResponse(
            status: 200, headers: [],
            body: Array(
                #"""
                {"Successful":[{"Id":"e0","MessageId":"m"}],
                 "Failed":[{"Id":"e1","SenderFault":true,"Code":"InvalidMessageContents","Message":"bad char"},
                           {"Id":"e2","SenderFault":false,"Code":"InternalError","Message":"try again"}]}
                """#.utf8))
        guard case .each(let outcomes) = SQSDestination.outcomes(of: answer, batchSize: 4) else {
            Issue.record("expected per-entry outcomes")
            return
        }
        #expect(outcomes[0] == .delivered)
        #expect(outcomes[1] == .rejected(reason: "SQS refused the message: InvalidMessageContents: bad char", statusCode: 200))
        #expect(outcomes[2] == .retryLater(reason: "SQS refused the message: InternalError: try again", statusCode: 200, wait: nil))
        #expect(outcomes[3] == .retryLater(reason: "SQS did not report this message", statusCode: 200, wait: nil))
    }

    @Test(
        "AWS errors: refused credentials and a wrong target pause, throttling and an expired session retry, the rest is refused",
        arguments: [
            (403, #"<Error><Code>SignatureDoesNotMatch</Code><Message>m</Message></Error>"#, "pause"),
            (404, #"<Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message></Error>"#, "pause"),
            (400, #"{"__type":"com.amazonaws.sqs#QueueDoesNotExist","message":"no queue"}"#, "pause"),
            (400, #"<Error><Code>ExpiredToken</Code></Error>"#, "retry"),
            (400, #"{"__type":"com.amazonaws.sqs#ThrottlingException","message":"slow down"}"#, "retry"),
            (503, #"<Error><Code>SlowDown</Code></Error>"#, "retry"),
            (400, #"<Error><Code>EntityTooLarge</Code></Error>"#, "reject"),
        ])
    func awsErrors(status: Int, body: String, expected: String) throws {
        let error = try #require(AWSError(DestinationResponse(status: status, headers: [], body: Array(body.utf8))))
        let kind =
            switch error.outcome(service: "S3", target: "s3Uri") {
            case .credentialsRefused: "pause"
            case .retryLater: "retry"
            case .rejected: "reject"
            default: "other"
            }
        #expect(kind == expected)
    }
}
