import Foundation
import RelayHTTP

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
