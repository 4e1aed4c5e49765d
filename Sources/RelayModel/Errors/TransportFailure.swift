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
    /// The far end reset the connection (ECONNRESET).
    case reset
    /// The far end closed the connection before answering.
    case closed
    /// No route to the host or its network.
    case noRoute
    /// Anything else; the library's words.
    case other(String)
}
