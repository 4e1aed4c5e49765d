import AsyncHTTPClient
import NIOCore
import NIOPosix
import RelayModel

/// Why a request got no answer, in a few plain words instead of the network stack's nested error values.
public enum NetworkFailure {
    /// Whether the failure is the connection itself (refused, reset, timed out, unroutable) rather than DNS, TLS
    /// or the policy.
    public static func isConnectionFailure(_ error: any Error) -> Bool {
        switch error {
        case is OutboundRefusal, is ResolutionFailure: return false
        case let error as HTTPClientError: return error == .connectTimeout || error == .remoteConnectionClosed || error == .readTimeout
        case is NIOConnectionError, is IOError, is ChannelError: return true
        default: return false
        }
    }

    public static func words(_ error: any Error) -> String {
        switch error {
        case let refusal as OutboundRefusal: return refusal.description
        case let failure as ResolutionFailure: return failure.description
        case let error as HTTPClientError:
            if error == .connectTimeout { return "the connection timed out" }
            if error == .readTimeout || error == .deadlineExceeded { return "no answer in time" }
            if error == .remoteConnectionClosed { return "the server closed the connection" }
            if error == .invalidURL || error == .emptyHost || error == .emptyScheme { return "the URL is not a valid http(s) URL" }
            return String(describing: error)
        case let error as NIOConnectionError:
            if error.dnsAAAAError != nil || error.dnsAError != nil, error.connectionErrors.isEmpty {
                return "the host name could not be resolved (DNS)"
            }
            return error.connectionErrors.first.map { words($0.error) } ?? "the connection failed"
        case let error as IOError:
            switch error.errnoCode {
            case 111: return "connection refused"
            case 110: return "the connection timed out"
            case 113, 101: return "no route to the host"
            case 104: return "the connection was reset"
            default: return "connection failed (errno \(error.errnoCode))"
            }
        case is ChannelError: return "the connection failed (\(error))"
        default:
            let text = String(describing: error)
            if text.contains("NIOSSL") || text.contains("handshake") || text.contains("certificate") {
                return "the TLS handshake failed (\(text)): check the certificate the server presents"
            }
            return text
        }
    }
}
