import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO
import RelayModel

/// What PostgresNIO throws, said as what an operator checks: the server is down, the password or TLS is wrong, the
/// database does not exist. PostgresNIO's own descriptions are deliberately vague; the words come from its codes.
enum PostgresErrors {
    static func storeError(_ error: any Error, settings: PostgresSettings) -> StoreError {
        let server = "PostgreSQL at \(settings.host):\(settings.port)"
        if let exceeded = error as? PostgresStore.ConnectionWaitExceeded {
            return .unavailable(
                "\(server) answers, but all \(settings.poolSize) pooled connections stayed busy for "
                    + "\(exceeded.waited.components.seconds) s: raise pool_size in the location (or PRISMA_RELAY_DATABASE_POOL_SIZE), "
                    + "or look for slow statements")
        }
        let closed = StoreError.unavailable("the connection to \(server) closed (a restart or a network fault): the relay retries")
        if error is PostgresStore.ConnectionLost { return closed }
        guard let error = error as? PSQLError else {
            if "\(error)".contains("CircuitBreaker") {
                return .unavailable("\(server) cannot be reached: no connection could be made for a minute; the relay keeps trying")
            }
            return .unavailable("\(server) could not be used: \(error)")
        }
        switch error.code {
        case .server:
            let state = error.serverInfo?[.sqlState] ?? ""
            let message = error.serverInfo?[.message] ?? "no message"
            switch state {
            case "28P01":
                return .unavailable(
                    "\(server) refused the password of user \(settings.user): check the password (in the URL, the "
                        + "password_file or PGPASSWORD) (SQLSTATE 28P01: \(message))")
            case _ where state.hasPrefix("28"):
                return .unavailable(
                    "\(server) refused user \(settings.user): check that the user exists and that the server's "
                        + "pg_hba.conf lets it in from this host (SQLSTATE \(state): \(message))")
            case "3D000":
                return .unavailable(
                    "\(server) has no database \(settings.database): create it (createdb \(settings.database)) or fix the "
                        + "name in the location (SQLSTATE 3D000)")
            case _ where state.hasPrefix("08") || state.hasPrefix("57") || state.hasPrefix("53"):
                return .unavailable(
                    "\(server) is unavailable (restarting, shutting down or out of connections): the relay retries "
                        + "(SQLSTATE \(state): \(message))")
            default:
                return .refused(
                    "\(server) refused a statement: check the user's privileges on the database and that the server accepts writes "
                        + "(SQLSTATE \(state): \(message))")
            }
        case .sslUnsupported:
            return .unavailable(
                "\(server) does not offer TLS, and sslmode=\(settings.sslMode.rawValue) requires it: turn ssl on in the "
                    + "server, or use sslmode=disable only on a network you trust")
        case .connectionError, .failedToAddSSLHandler:
            if let tls = error.underlying as? NIOSSLError {
                return .unavailable(
                    "\(server) presented a TLS certificate the relay does not trust: give the CA that signed it "
                        + "(sslrootcert=/path/ca.pem), and for verify-full the host name it names (\(tls))")
            }
            let reason = error.underlying.map(describe) ?? "no reason given"
            return .unavailable("\(server) cannot be reached (\(reason)): check that it runs and that host and port are right")
        case .serverClosedConnection, .clientClosedConnection, .uncleanShutdown:
            return closed
        case .poolClosed:
            return .unavailable("the connection pool to \(server) is closed: the relay is shutting down")
        case .saslError, .unsupportedAuthMechanism, .authMechanismRequiresPassword:
            return .unavailable(
                "\(server) asks for a password the relay was not given, or one it refused: give it in the URL, "
                    + "password_file or PGPASSWORD")
        default:
            return .unavailable("\(server) could not be used (\(error.code))")
        }
    }

    static func describe(_ error: any Error) -> String {
        if let io = error as? IOError {
            switch io.errnoCode {
            case ECONNREFUSED: return "connection refused"
            case ETIMEDOUT: return "timed out"
            case EHOSTUNREACH, ENETUNREACH: return "no route to the host"
            default: return "\(io)"
            }
        }
        if let connect = error as? NIOConnectionError {
            return connect.connectionErrors.first.map { describe($0.error) } ?? "the name did not resolve"
        }
        if error is ChannelError { return "timed out" }
        return "\(error)"
    }
}
