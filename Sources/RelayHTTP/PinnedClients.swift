import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix
import RelayModel
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The HTTP clients requests go out on. A URL naming an address uses one shared client; a URL naming a host is
/// resolved here, every address checked against the policy, and sent on a client whose DNS is pinned to the
/// address checked (TLS still verifies the host's name), kept for reuse.
final class PinnedClients: Sendable {
    static let shared = PinnedClients()

    /// For URLs that name an address.
    let literal: HTTPClient
    private let pinned = Mutex<[String: HTTPClient]>([:])
    /// More pinned clients than this and the oldest is shut down.
    static let capacity = 128

    init() { literal = Self.makeClient(dnsOverride: [:]) }

    /// A failed connection fails the request at once instead of being retried inside the pool until the deadline,
    /// so the relay's one `RetryPolicy` decides about every retry; redirects are never followed.
    static func makeClient(dnsOverride: [String: String]) -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(10), read: .seconds(60))
        configuration.connectionPool.retryConnectionEstablishment = false
        // AsyncHTTPClient opens 8 connections per host by default: integrations sharing a host (or one with a
        // delivery concurrency above 8) would queue behind them. The engine's concurrency and caps decide instead.
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 64
        configuration.redirectConfiguration = .disallow
        configuration.dnsOverride = dnsOverride
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    /// The client to send a request for `url` on, once the policy allows where it goes.
    func client(for url: String, policy: OutboundPolicy) async throws -> HTTPClient {
        guard let host = Self.host(of: url) else { return literal }  // AsyncHTTPClient reports a malformed URL itself.
        if let address = IPAddress(host) {
            if let reason = policy.refusal(host: host, address: address) {
                throw OutboundRefusal(host: host, address: address.description, reason: reason)
            }
            return literal
        }
        let addresses = try await Self.resolve(host)
        guard let first = addresses.first else { throw ResolutionFailure(host: host) }
        for address in addresses {
            if let reason = policy.refusal(host: host, address: address) {
                throw OutboundRefusal(host: host, address: address.description, reason: reason)
            }
        }
        let key = "\(host.lowercased())=\(first)"
        let (client, evicted): (HTTPClient, HTTPClient?) = pinned.withLock { clients in
            if let existing = clients[key] { return (existing, nil) }
            let made = Self.makeClient(dnsOverride: [host: first.description])
            var evicted: HTTPClient?
            if clients.count >= Self.capacity, let victim = clients.keys.first { evicted = clients.removeValue(forKey: victim) }
            clients[key] = made
            return (made, evicted)
        }
        if let evicted { Task { try? await evicted.shutdown() } }
        return client
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
