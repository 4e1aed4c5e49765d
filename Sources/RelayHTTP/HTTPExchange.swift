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
}

/// Sends requests through AsyncHTTPClient and reads whole answers, with a timeout and a size cap. Every request
/// of the relay to Prisma Cloud or a destination goes through here, so through its `OutboundPolicy`: the address
/// actually connected to is checked (a host name is resolved, checked, and the connection pinned to the checked
/// address, so DNS rebinding cannot slip past), and no redirect is ever followed.
public struct HTTPExchange: Sendable {
    /// Per-request timeout.
    public var timeout: TimeAmount
    /// Largest answer read; a page of 10,000 detailed alerts stays well under it.
    public var maxBodyBytes: Int
    /// Which addresses requests may reach.
    public var policy: OutboundPolicy
    /// The process's proxies and CA file.
    public var network: NetworkSettings
    /// The way out of the connector or integration this exchange is for (the process's alone by default).
    public var route: OutboundRoute = .standard
    let connections: PinnedClients

    public init(
        policy: OutboundPolicy = .standard, network: NetworkSettings = .none, timeout: TimeAmount = .seconds(60),
        maxBodyBytes: Int = 512 << 20
    ) {
        self.policy = policy
        self.network = network
        self.timeout = timeout
        self.maxBodyBytes = maxBodyBytes
        self.connections = PinnedClients.shared
    }

    /// This exchange for a connector or an integration that goes its own way out.
    public func routed(_ route: OutboundRoute) -> HTTPExchange {
        var copy = self
        copy.route = route
        return copy
    }

    /// Sends one request; throws only when no answer arrived (connection, TLS or timeout failures, or an
    /// `OutboundRefusal`). `contentType` is set on requests with a body unless nil (then `headers` say it).
    public func send(
        _ method: HTTPMethod, _ url: String, headers: [(String, String)] = [], body: [UInt8]? = nil,
        contentType: String? = "application/json"
    ) async throws -> HTTPAnswer {
        let (client, proxy) = try await connections.client(for: url, policy: policy, route: route, network: network)
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers where !Self.isReserved(name) { request.headers.add(name: name, value: value) }
        if let body {
            if let contentType { request.headers.replaceOrAdd(name: "Content-Type", value: contentType) }
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        do {
            let response = try await client.execute(request, timeout: timeout)
            let buffer = try await response.body.collect(upTo: maxBodyBytes)
            return HTTPAnswer(status: Int(response.status.code), headers: response.headers, body: Array(buffer.readableBytesView))
        } catch {
            // Through a proxy, a failure to reach the proxy or to open its tunnel is the proxy's, and said so.
            guard let proxy, let trouble = ProxyFailure.trouble(error) else { throw error }
            throw ProxyFailure(trouble: trouble, proxy: proxy.description)
        }
    }

    /// This exchange with the host of `url` allowed whatever the policy says: for the relay's own credential
    /// sources the operator points it at (the instance metadata service), never for a configured destination.
    public func trusting(hostOf url: String) -> HTTPExchange {
        var copy = self
        if let host = PinnedClients.host(of: url) { copy.policy.allowedHosts.insert(host.lowercased()) }
        return copy
    }

    static func isReserved(_ name: String) -> Bool { OutboundPolicy.reservedHeaders.contains(name.lowercased()) }
}
