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

extension TransportFailure {
    /// A few plain words on the failure: the detail under a sentence, and what logs and retry reasons say.
    public var words: String {
        switch self {
        case .refused: "connection refused"
        case .timedOut: "the connection timed out"
        case .noAnswer: "no answer in time"
        case .dns: "the host name could not be resolved"
        case .tls(let words), .other(let words): words
        case .reset: "the connection was reset"
        case .closed: "the server closed the connection"
        case .noRoute: "no route to the host"
        }
    }
}
