import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import RelayModel

/// One HTTP answer, fully read.
public struct HTTPAnswer: Sendable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: [UInt8]

    /// The first value of a header, case-insensitively.
    public func header(_ name: String) -> String? { headers.first(name: name) }

    /// Whether the body is declared (or, without a declaration, looks like) JSON.
    var looksLikeJSON: Bool {
        if let type = header("Content-Type")?.lowercased() { return type.contains("json") }
        let first = body.first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) })
        return first == UInt8(ascii: "{") || first == UInt8(ascii: "[")
    }

    /// The reasons Prisma gives in `x-redlock-status` (a JSON array of `{i18nKey, severity, subject}`).
    var redlockReason: String? {
        guard let header = header("x-redlock-status"), let entries = (try? JSONValue.parse(header))?.arrayValue else {
            return nil
        }
        let keys = entries.compactMap { $0["i18nKey"]?.stringValue }
        return keys.isEmpty ? nil : keys.joined(separator: ", ")
    }
}

/// Sends requests through AsyncHTTPClient and reads whole answers, with a timeout and a size cap.
public struct HTTPExchange: Sendable {
    let client: HTTPClient
    /// Per-request timeout.
    public var timeout: TimeAmount
    /// Largest answer read; a page of 10,000 detailed alerts stays well under it.
    public var maxBodyBytes: Int

    public init(client: HTTPClient = HTTPExchange.sharedClient, timeout: TimeAmount = .seconds(60), maxBodyBytes: Int = 512 << 20) {
        self.client = client
        self.timeout = timeout
        self.maxBodyBytes = maxBodyBytes
    }

    /// The process-wide client. A failed connection fails the request at once instead of being retried inside
    /// the pool until the deadline, so the relay's one `RetryPolicy` decides about every retry.
    public static let sharedClient: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(10), read: .seconds(60))
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    /// Sends one request; throws only when no answer arrived (connection, TLS or timeout failures).
    /// `contentType` is set on requests with a body unless nil (then `headers` say it).
    public func send(
        _ method: HTTPMethod, _ url: String, headers: [(String, String)] = [], body: [UInt8]? = nil,
        contentType: String? = "application/json"
    ) async throws -> HTTPAnswer {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            if let contentType { request.headers.replaceOrAdd(name: "Content-Type", value: contentType) }
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let response = try await client.execute(request, timeout: timeout)
        let buffer = try await response.body.collect(upTo: maxBodyBytes)
        return HTTPAnswer(status: Int(response.status.code), headers: response.headers, body: Array(buffer.readableBytesView))
    }
}
