import Delivery
import Foundation
import RelayModel
import Testing

@Suite("AWS Signature Version 4")
struct SigV4Tests {
    static let example = AWSCredentials(
        accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", origin: "test")
    /// 2015-08-30T12:36:00Z, the time of AWS's published SigV4 test suite.
    static let suiteTime: Int64 = 1_440_938_160_000

    func authorization(_ request: DestinationRequest) -> String? {
        request.headers.first { $0.0 == "Authorization" }?.1
    }

    @Test("AWS's published get-vanilla case signs to its published signature")
    func getVanilla() {
        let request = DestinationRequest(method: "GET", url: "https://example.amazonaws.com/", headers: [], body: [])
        let signed = SigV4(credentials: Self.example, region: "us-east-1", service: "service").signed(request, at: Self.suiteTime)
        #expect(
            authorization(signed) == "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
                + "SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")
        #expect(signed.headers.map(\.0) == ["X-Amz-Date", "Authorization"])
    }

    @Test("S3 PutObject signs the payload hash; session credentials sign their token")
    func s3Golden() {
        var credentials = Self.example
        credentials.sessionToken = "FQoGZXIvYXdzEXAMPLETOKEN"
        let request = DestinationRequest(
            method: "PUT", url: "http://127.0.0.1:5055/alerts/prisma/2026/11/22/04/soc-s3-20261122T0400Z-1.json.gz",
            headers: [("Content-Type", "application/x-ndjson"), ("Content-Encoding", "gzip")], body: Array("hello".utf8))
        let signed = SigV4(credentials: credentials, region: "us-east-1", service: "s3").signed(request, at: Self.suiteTime)
        let headers = Dictionary(uniqueKeysWithValues: signed.headers.map { ($0.0, $0.1) })
        #expect(headers["X-Amz-Content-Sha256"] == "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824")
        #expect(headers["X-Amz-Security-Token"] == "FQoGZXIvYXdzEXAMPLETOKEN")
        #expect(
            authorization(signed)?.contains(
                "SignedHeaders=content-encoding;content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token,") == true)
    }

    @Test(
        "the signatures match botocore's for S3, SQS and STS requests, with and without session tokens",
        arguments: [
            ("s3", "PUT", "http://127.0.0.1:5055/alerts/prisma/a%20b/obj-1.json.gz", "application/x-ndjson", "x", nil as String?),
            (
                "s3", "PUT", "https://alerts.s3.eu-west-1.amazonaws.com/prisma/2026/obj.json.gz?x-id=PutObject", "application/json", "{}",
                "TOKEN/+="
            ),
            ("s3", "GET", "http://127.0.0.1:5055/bucket?list-type=2&prefix=prisma%2F", "text/plain", "", nil),
            ("sqs", "POST", "https://sqs.us-east-1.amazonaws.com/", "application/x-amz-json-1.0", #"{"QueueUrl":"q"}"#, nil),
            (
                "sts", "POST", "http://127.0.0.1:5055/", "application/x-www-form-urlencoded; charset=utf-8",
                "Action=AssumeRole&ExternalId=e", "T"
            ),
        ])
    func matchesBotocore(service: String, method: String, url: String, contentType: String, body: String, token: String?) async throws {
        var credentials = Self.example
        credentials.sessionToken = token
        let request = DestinationRequest(method: method, url: url, headers: [("Content-Type", contentType)], body: Array(body.utf8))
        let moment: Int64 = 1_763_800_000_000
        let signed = SigV4(credentials: credentials, region: url.contains("eu-west-1") ? "eu-west-1" : "us-east-1", service: service)
            .signed(request, at: moment)
        let input: JSONValue = .object([
            "method": .string(method), "url": .string(url), "headers": .array([.array([.string("Content-Type"), .string(contentType)])]),
            "body": .string(Data(body.utf8).base64EncodedString()),
            "region": .string(url.contains("eu-west-1") ? "eu-west-1" : "us-east-1"),
            "service": .string(service), "key": .string(credentials.accessKeyID), "secret": .string(credentials.secretAccessKey),
            "token": token.map(JSONValue.string) ?? .null, "date": .string("20251122T082640Z"),
        ])
        let reference = try await ReferenceTool.run("sigv4.py", input: Data(input.jsonBytes()))
        #expect(authorization(signed) == reference)
    }
}
