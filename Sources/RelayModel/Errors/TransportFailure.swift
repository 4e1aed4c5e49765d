/// Why a request got no answer, told apart the way an operator fixes it.
public enum TransportFailure: Sendable, Equatable {
    /// Nothing listens at the address and port (ECONNREFUSED).
    case refused
    /// The connection was not accepted in time: a firewall dropping packets, a wrong address.
    case timedOut
    /// Connected, but no answer came in time.
    case noAnswer
    /// The host name did not resolve.
    case dns
    /// The TLS handshake failed; the library's words.
    case tls(String)
    /// The server's certificate chain does not lead to a CA the relay trusts; the library's words.
    case untrustedCertificate(String)
    /// The proxy the request goes through failed it: unreachable, refused the tunnel, or wants credentials.
    case proxy(ProxyTrouble, proxy: String)
    /// The far end reset the connection (ECONNRESET).
    case reset
    /// The far end closed the connection before answering.
    case closed
    /// No route to the host or its network.
    case noRoute
    /// Anything else; the library's words.
    case other(String)
}

extension TransportFailure {
    /// A few plain words on the failure: the detail under a sentence, and what logs and retry reasons say.
    public var words: String {
        switch self {
        case .refused: "connection refused"
        case .timedOut: "the connection timed out"
        case .noAnswer: "no answer in time"
        case .dns: "the host name could not be resolved"
        case .tls(let words), .other(let words): words
        case .untrustedCertificate(let words): "the server's certificate is not trusted (\(words))"
        case .proxy(let trouble, let proxy): "through the proxy \(proxy): \(trouble.words)"
        case .reset: "the connection was reset"
        case .closed: "the server closed the connection"
        case .noRoute: "no route to the host"
        }
    }
}

/// What went wrong at a proxy.
public enum ProxyTrouble: Sendable, Equatable {
    /// The proxy itself could not be reached; how.
    case unreachable(String)
    /// It answered the tunnel request (`CONNECT`) with an error: its rules do not let the relay reach the target.
    case refused
    /// It answered 407: it wants credentials, or refused the ones given.
    case authenticationRequired
    /// It did not answer the tunnel request in time.
    case timedOut

    public var words: String {
        switch self {
        case .unreachable(let how): "the proxy could not be reached (\(how))"
        case .refused: "the proxy refused to open a tunnel to the destination"
        case .authenticationRequired: "the proxy requires authentication (HTTP 407)"
        case .timedOut: "the proxy did not answer the tunnel request in time"
        }
    }
}
