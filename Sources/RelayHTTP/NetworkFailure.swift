import AsyncHTTPClient
import NIOCore
import NIOPosix
import RelayModel

/// Why a request got no answer, told apart from the network stack's nested error values (`TransportFailure`); the
/// outbound policy's refusals are not network failures and are not classified here.
public enum NetworkFailure {
    /// Whether the failure is the connection itself (refused, reset, timed out, unroutable) rather than DNS, TLS
    /// or the policy.
    public static func isConnectionFailure(_ error: any Error) -> Bool {
        switch classify(error) {
        case .refused, .timedOut, .noAnswer, .reset, .closed, .noRoute, .proxy: return true
        case .dns, .tls, .untrustedCertificate, .other: return false
        }
    }

    /// The kind of failure, with the library's own words where the kind alone would lose them.
    public static func classify(_ error: any Error) -> TransportFailure {
        switch error {
        case let refusal as OutboundRefusal: return .other(refusal.description)
        case is ResolutionFailure: return .dns
        case let failure as ProxyFailure: return .proxy(failure.trouble, proxy: failure.proxy)
        case let failure as TLSSetupFailure: return .tls(failure.description)
        case let error as HTTPClientError:
            if error == .connectTimeout { return .timedOut }
            if error == .readTimeout || error == .deadlineExceeded { return .noAnswer }
            if error == .remoteConnectionClosed { return .closed }
            if error == .invalidURL || error == .emptyHost || error == .emptyScheme { return .other("the URL is not a valid http(s) URL") }
            return .other(String(describing: error))
        case let error as NIOConnectionError:
            if error.dnsAAAAError != nil || error.dnsAError != nil, error.connectionErrors.isEmpty { return .dns }
            return error.connectionErrors.first.map { classify($0.error) } ?? .other("the connection failed")
        case let error as IOError:
            switch error.errnoCode {
            case 111: return .refused
            case 110: return .timedOut
            case 113, 101: return .noRoute
            case 104, 32: return .reset
            default: return .other("connection failed (errno \(error.errnoCode))")
            }
        case let error as ChannelError:
            if case .connectTimeout = error { return .timedOut }
            if error == .eof || error == .ioOnClosedChannel || error == .outputClosed { return .closed }
            return .other("the connection failed (\(error))")
        default:
            let text = String(describing: error)
            if text.contains("CERTIFICATE_VERIFY_FAILED") || text.contains("unable to get local issuer") {
                return .untrustedCertificate(text)
            }
            if text.contains("NIOSSL") || text.contains("handshake") || text.contains("certificate") || text.contains("TLS") {
                return .tls(text)
            }
            return .other(text)
        }
    }

    /// A few plain words on the failure, for logs and retry reasons.
    public static func words(_ error: any Error) -> String {
        if let failure = error as? ResolutionFailure { return failure.description }
        return classify(error).words
    }
}

/// A request through a proxy that the proxy failed: it could not be reached, refused the tunnel, or wants credentials.
public struct ProxyFailure: Error, Sendable, CustomStringConvertible {
    public var trouble: ProxyTrouble
    /// The proxy, without credentials.
    public var proxy: String

    public var description: String { TransportFailure.proxy(trouble, proxy: proxy).words }

    /// The proxy's part in `error`, when it is the proxy's.
    static func trouble(_ error: any Error) -> ProxyTrouble? {
        if let error = error as? HTTPClientError {
            if error == .proxyAuthenticationRequired { return .authenticationRequired }
            if error == .invalidProxyResponse { return .refused }
            if error == .httpProxyHandshakeTimeout { return .timedOut }
        }
        // The connection AsyncHTTPClient opens through a proxy is to the proxy.
        switch NetworkFailure.classify(error) {
        case .refused, .timedOut, .noRoute, .dns: return .unreachable(NetworkFailure.classify(error).words)
        default: return nil
        }
    }
}
