import Crypto
import Foundation
import RelayModel

/// AWS Signature Version 4 for one request: the canonical request, the string to sign and the `Authorization`
/// header, from the credentials, region, service and time given. Pure: the same inputs always sign alike.
public struct SigV4 {
    public var credentials: AWSCredentials
    public var region: String
    public var service: String

    public init(credentials: AWSCredentials, region: String, service: String) {
        self.credentials = credentials
        self.region = region
        self.service = service
    }

    /// `request` with `Host`, `X-Amz-Date`, `X-Amz-Security-Token` (session credentials), `X-Amz-Content-Sha256`
    /// (S3) and `Authorization` added, every header signed.
    public func signed(_ request: DestinationRequest, at epochMillis: Int64) -> DestinationRequest {
        var request = request
        let components = URLComponents(string: request.url)
        let date = Self.amzDate(epochMillis)
        let payloadHash = Hex.string(SHA256.hash(data: request.body))
        var headers = request.headers.filter {
            !["authorization", "x-amz-date", "x-amz-security-token", "host"].contains($0.0.lowercased())
        }
        headers.insert(("Host", Self.host(of: components)), at: 0)
        headers.append(("X-Amz-Date", date))
        if let token = credentials.sessionToken { headers.append(("X-Amz-Security-Token", token)) }
        if service == "s3", !headers.contains(where: { $0.0.lowercased() == "x-amz-content-sha256" }) {
            headers.append(("X-Amz-Content-Sha256", payloadHash))
        }
        let canonical = canonicalRequest(method: request.method, components: components, headers: headers, payloadHash: payloadHash)
        let scope = "\(date.prefix(8))/\(region)/\(service)/aws4_request"
        let toSign = "AWS4-HMAC-SHA256\n\(date)\n\(scope)\n\(Hex.string(SHA256.hash(data: Data(canonical.text.utf8))))"
        let signature = Hex.string(HMAC<SHA256>.authenticationCode(for: Data(toSign.utf8), using: signingKey(day: String(date.prefix(8)))))
        headers.append(
            (
                "Authorization",
                "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyID)/\(scope), SignedHeaders=\(canonical.signedHeaders), Signature=\(signature)"
            ))
        // AsyncHTTPClient writes Host itself from the URL; sending it twice would be refused.
        request.headers = headers.filter { $0.0 != "Host" }
        return request
    }

    /// The canonical request and its signed-header list.
    func canonicalRequest(
        method: String, components: URLComponents?, headers: [(String, String)], payloadHash: String
    ) -> (text: String, signedHeaders: String) {
        let rawPath = components?.percentEncodedPath ?? "/"
        let segments = (rawPath.isEmpty ? "/" : rawPath).split(separator: "/", omittingEmptySubsequences: false).map { segment in
            let decoded = String(segment).removingPercentEncoding ?? String(segment)
            let once = Self.encode(decoded)
            // S3 signs the path as sent; every other service signs it encoded once more.
            return service == "s3" ? once : Self.encode(once)
        }
        let pairs: [(String, String)] = (components?.percentEncodedQueryItems ?? []).map { item in
            let name = item.name.removingPercentEncoding ?? item.name
            let value = item.value?.removingPercentEncoding ?? ""
            return (Self.encode(name), Self.encode(value))
        }
        let sorted = pairs.sorted { a, b in a.0 == b.0 ? a.1 < b.1 : a.0 < b.0 }
        let query = sorted.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
        var byName: [String: [String]] = [:]
        for (name, value) in headers {
            let folded = value.trimmingCharacters(in: .whitespaces).split(separator: " ", omittingEmptySubsequences: true).joined(
                separator: " ")
            byName[name.lowercased(), default: []].append(folded)
        }
        let names = byName.keys.sorted()
        let canonicalHeaders = names.map { "\($0):\(byName[$0]!.joined(separator: ","))\n" }.joined()
        let signedHeaders = names.joined(separator: ";")
        let text = [method, segments.joined(separator: "/"), query, canonicalHeaders, signedHeaders, payloadHash].joined(separator: "\n")
        return (text, signedHeaders)
    }

    func signingKey(day: String) -> SymmetricKey {
        var key = SymmetricKey(data: Data("AWS4\(credentials.secretAccessKey)".utf8))
        for part in [day, region, service, "aws4_request"] {
            key = SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Data(part.utf8), using: key)))
        }
        return key
    }

    /// `Host` as signed: the host, with the port when it is not the scheme's default.
    static func host(of components: URLComponents?) -> String {
        let host = components?.host ?? ""
        guard let port = components?.port else { return host }
        let scheme = components?.scheme?.lowercased()
        return (scheme == "https" && port == 443) || (scheme == "http" && port == 80) ? host : "\(host):\(port)"
    }

    /// `yyyyMMdd'T'HHmmss'Z'` in UTC.
    static func amzDate(_ epochMillis: Int64) -> String {
        Timestamp.rfc3339(epochMilliseconds: epochMillis).prefix(19).filter { $0 != "-" && $0 != ":" } + "Z"
    }

    /// RFC 3986 encoding: everything but unreserved characters.
    public static func encode(_ text: String) -> String { FormData.percentEncode(text) }
}
