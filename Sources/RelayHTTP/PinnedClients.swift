import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import RelayModel
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The HTTP clients requests go out on, one per way out: the address connected to (a host name is resolved here,
/// every address checked against the policy, and the client's DNS pinned to the address checked — TLS still verifies
/// the host's name), the proxy, and the TLS trust and identity. Kept for reuse.
final class PinnedClients: Sendable {
    static let shared = PinnedClients()

    /// How a client connects: what a client is kept by.
    struct Way: Hashable {
        /// The host's name pinned to the address checked; none for a URL naming an address, or through a proxy.
        var pin: [String: String] = [:]
        var proxy: ProxyServer?
        /// The process's CA file, then the route's PEM certificates, trusted besides the system's.
        var caFile: String?
        var caCertificates: String?
        var clientCertificate: String?
        var clientKey: String?

        var tls: Bool { caFile != nil || caCertificates != nil || clientCertificate != nil }
    }

    private let clients = Mutex<[Way: HTTPClient]>([:])
    /// More clients than this and the oldest is shut down.
    static let capacity = 128

    /// A failed connection fails the request at once instead of being retried inside the pool until the deadline,
    /// so the relay's one `RetryPolicy` decides about every retry; redirects are never followed.
    static func makeClient(_ way: Way) throws -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(10), read: .seconds(60))
        configuration.connectionPool.retryConnectionEstablishment = false
        // AsyncHTTPClient opens 8 connections per host by default: integrations sharing a host (or one with a
        // delivery concurrency above 8) would queue behind them. The engine's concurrency and caps decide instead.
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 64
        configuration.redirectConfiguration = .disallow
        configuration.dnsOverride = way.pin
        if let proxy = way.proxy {
            configuration.proxy = .server(
                host: proxy.host, port: proxy.port,
                authorization: proxy.username.map { .basic(username: $0, password: proxy.password ?? "") })
        }
        if way.tls { configuration.tlsConfiguration = try TLSSettings.configuration(way) }
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    /// The client to send a request for `url` on, once the policy allows where it goes, and the proxy it goes
    /// through. Through a proxy, the target is still checked: its address when the URL names one, or every address
    /// its name resolves to here (a name this machine cannot resolve is left to the proxy, whose rules then decide).
    /// A proxy the route names (not the operator's environment) is itself checked like a target.
    func client(for url: String, policy: OutboundPolicy, route: OutboundRoute, network: NetworkSettings) async throws -> (
        HTTPClient, ProxyServer?
    ) {
        var way = Way(
            caFile: network.caFile, caCertificates: route.caCertificates, clientCertificate: route.clientCertificate,
            clientKey: route.clientKey)
        guard let host = Self.host(of: url) else { return (try client(way), nil) }  // AsyncHTTPClient reports a malformed URL.
        let scheme = url.prefix(while: { $0 != ":" }).lowercased()
        switch route.proxy {
        case .direct: way.proxy = nil
        case .environment: way.proxy = network.proxies.proxy(scheme: scheme, host: host)
        case .server(var server):
            // Connected to by the address checked: the proxy needs no name (nothing is verified against it).
            server.host = try await checkedAddress(of: server.host, policy: policy).description
            way.proxy = server
        }
        if let address = IPAddress(host) {
            try check(host: host, address: address, policy: policy)
        } else if way.proxy != nil {
            for address in (try? await Self.resolve(host)) ?? [] { try check(host: host, address: address, policy: policy) }
        } else {
            way.pin = [host: try await checkedAddress(of: host, policy: policy).description]
        }
        return (try client(way), way.proxy)
    }

    func check(host: String, address: IPAddress, policy: OutboundPolicy) throws {
        if let reason = policy.refusal(host: host, address: address) {
            throw OutboundRefusal(host: host, address: address.description, reason: reason)
        }
    }

    /// The first address `host` names or resolves to, once every one of them is allowed.
    func checkedAddress(of host: String, policy: OutboundPolicy) async throws -> IPAddress {
        if let address = IPAddress(host) {
            try check(host: host, address: address, policy: policy)
            return address
        }
        let addresses = try await Self.resolve(host)
        guard let first = addresses.first else { throw ResolutionFailure(host: host) }
        for address in addresses { try check(host: host, address: address, policy: policy) }
        return first
    }

    func client(_ way: Way) throws -> HTTPClient {
        let made: HTTPClient? = clients.withLock { $0[way] }
        if let made { return made }
        let client = try Self.makeClient(way)
        let (kept, extra): (HTTPClient, [HTTPClient]) = clients.withLock { clients in
            if let existing = clients[way] { return (existing, [client]) }
            var evicted: [HTTPClient] = []
            if clients.count >= Self.capacity, let victim = clients.keys.first, let old = clients.removeValue(forKey: victim) {
                evicted.append(old)
            }
            clients[way] = client
            return (client, evicted)
        }
        for unused in extra { Task { try? await unused.shutdown() } }
        return kept
    }

    /// The host of an http(s) URL, brackets of an IPv6 literal removed.
    static func host(of url: String) -> String? {
        guard let schemeEnd = url.range(of: "://") else { return nil }
        var rest = url[schemeEnd.upperBound...]
        if let end = rest.firstIndex(where: { "/?#".contains($0) }) { rest = rest[..<end] }
        if let at = rest.lastIndex(of: "@") { rest = rest[rest.index(after: at)...] }
        if rest.hasPrefix("["), let close = rest.firstIndex(of: "]") { return String(rest[rest.index(after: rest.startIndex)..<close]) }
        if let colon = rest.lastIndex(of: ":") { rest = rest[..<colon] }
        return rest.isEmpty ? nil : String(rest)
    }

    /// Every address `host` resolves to, read off the event loop (getaddrinfo blocks).
    static func resolve(_ host: String) async throws -> [IPAddress] {
        try await NIOThreadPool.singleton.runIfActive {
            var hints = addrinfo()
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
            var list: UnsafeMutablePointer<addrinfo>?
            guard getaddrinfo(host, nil, &hints, &list) == 0, let head = list else { throw ResolutionFailure(host: host) }
            defer { freeaddrinfo(head) }
            var found: [IPAddress] = []
            var cursor: UnsafeMutablePointer<addrinfo>? = head
            while let entry = cursor {
                if let address = entry.pointee.ai_addr {
                    switch Int32(address.pointee.sa_family) {
                    case AF_INET:
                        var v4 = address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr }
                        if let ip = IPAddress(bytes: withUnsafeBytes(of: &v4) { Array($0) }) { found.append(ip) }
                    case AF_INET6:
                        var v6 = address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee.sin6_addr }
                        if let ip = IPAddress(bytes: withUnsafeBytes(of: &v6) { Array($0) }) { found.append(ip) }
                    default: break
                    }
                }
                cursor = entry.pointee.ai_next
            }
            var unique: [IPAddress] = []
            for ip in found where !unique.contains(ip) { unique.append(ip) }
            return unique
        }
    }
}

/// A host name that resolves to nothing.
public struct ResolutionFailure: Error, Sendable, CustomStringConvertible {
    public var host: String
    public var description: String { "the host name \(host) could not be resolved (DNS)" }
}
