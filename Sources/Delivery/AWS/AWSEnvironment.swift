import Foundation
import PrismaAPI

/// What the relay's process tells AWS clients: the standard environment variables (credentials, profile, web
/// identity, metadata service, `AWS_ENDPOINT_URL[_SERVICE]` endpoint overrides), the HTTP client and the clock.
public struct AWSEnvironment: Sendable {
    public var variables: [String: String]
    public var http: HTTPExchange
    public var clock: @Sendable () -> Int64

    public init(variables: [String: String], http: HTTPExchange, clock: @escaping @Sendable () -> Int64) {
        self.variables = variables
        self.http = http
        self.clock = clock
    }

    /// A service's endpoint override: `AWS_ENDPOINT_URL_<SERVICE>`, else `AWS_ENDPOINT_URL`, without a trailing slash.
    public func endpointOverride(service: String) -> String? {
        guard var url = variables["AWS_ENDPOINT_URL_\(service.uppercased())"] ?? variables["AWS_ENDPOINT_URL"], !url.isEmpty else {
            return nil
        }
        while url.hasSuffix("/") { url.removeLast() }
        return url
    }

    /// The region AWS clients default to.
    public var defaultRegion: String { variables["AWS_REGION"] ?? variables["AWS_DEFAULT_REGION"] ?? "us-east-1" }

    /// STS of `region`, or its override.
    public func stsEndpoint(region: String) -> String {
        endpointOverride(service: "sts") ?? "https://sts.\(region).amazonaws.com"
    }
}

/// The text of AWS's small XML answers (STS results, S3 and query-protocol errors).
enum AWSXML {
    /// The text of the first `<tag>…</tag>`, entities decoded.
    static func first(_ tag: String, in body: [UInt8]) -> String? {
        let text = String(decoding: body, as: UTF8.self)
        guard let open = text.range(of: "<\(tag)>"), let close = text.range(of: "</\(tag)>", range: open.upperBound..<text.endIndex) else {
            return nil
        }
        return String(text[open.upperBound..<close.lowerBound])
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&apos;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }

    /// `Code: Message` of an AWS error answer, or the start of the body.
    static func error(in body: [UInt8]) -> (code: String?, text: String) {
        let code = first("Code", in: body)
        if let code { return (code, "\(code): \(first("Message", in: body) ?? "")") }
        return (nil, String(decoding: body.prefix(200), as: UTF8.self))
    }
}
