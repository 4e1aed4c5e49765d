import Foundation
import RelayModel

/// A PostgreSQL location as `--database` / `PRISMA_RELAY_DATABASE` give it:
/// `postgres://user[:password]@host[:port]/database?sslmode=…&sslrootcert=…&pool_size=…&password_file=…`.
/// The password comes from the URL, else `password_file` (or `PRISMA_RELAY_DATABASE_PASSWORD_FILE`), else
/// `PGPASSWORD`; it is never part of `location`, so no status, log line or error shows it.
public struct PostgresSettings: Sendable, Equatable {
    /// How the connection is protected, with libpq's names and meaning.
    public enum SSLMode: String, Sendable, CaseIterable {
        /// No TLS.
        case disable
        /// TLS when the server offers it, else plain (libpq's default).
        case prefer
        /// TLS, without checking the server's certificate.
        case require
        /// TLS, the server's certificate signed by the CA file (or the system's CAs), any host name.
        case verifyCA = "verify-ca"
        /// TLS, the certificate signed by the CA and naming the host.
        case verifyFull = "verify-full"
    }

    public var host: String
    public var port: Int
    public var user: String
    public var password: String?
    public var database: String
    public var sslMode: SSLMode
    /// The CA bundle (PEM) the server's certificate must chain to for verify-ca and verify-full.
    public var sslRootCert: String?
    /// The most connections this process opens to the server.
    public var poolSize: Int

    public static let defaultPoolSize = 10
    static let parameters = ["sslmode", "sslrootcert", "pool_size", "password_file", "application_name"]

    /// Whether `location` names a PostgreSQL database.
    public static func names(_ location: String) -> Bool {
        location.hasPrefix("postgres://") || location.hasPrefix("postgresql://")
    }

    /// The settings in `location`, with the password and defaults from `environment`.
    public static func parse(_ location: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws
        -> PostgresSettings
    {
        func bad(_ problem: String) -> StoreError {
            .badLocation("the PostgreSQL database location is not usable: \(problem) (\(redacted(location)))")
        }
        guard let parts = URLComponents(string: location), let host = parts.host, !host.isEmpty else {
            throw bad("give it as postgres://user@host:5432/database")
        }
        guard let user = parts.user.flatMap({ $0.removingPercentEncoding }), !user.isEmpty else {
            throw bad("it names no user: give it as postgres://user@\(host)/database")
        }
        var database = String(parts.path.drop(while: { $0 == "/" }))
        database = database.removingPercentEncoding ?? database
        if database.isEmpty { database = user }
        var query: [String: String] = [:]
        for item in parts.queryItems ?? [] where !item.name.isEmpty {
            guard parameters.contains(item.name) else {
                throw bad("\(item.name) is not a setting the relay reads; use \(parameters.joined(separator: ", "))")
            }
            query[item.name] = item.value ?? ""
        }
        let modeName = query["sslmode"] ?? environment["PGSSLMODE"] ?? SSLMode.prefer.rawValue
        guard let mode = SSLMode(rawValue: modeName) else {
            throw bad("sslmode \(modeName) is not one of \(SSLMode.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let rootCert = query["sslrootcert"] ?? environment["PGSSLROOTCERT"]
        if let rootCert, !FileManager.default.isReadableFile(atPath: rootCert) {
            throw bad("sslrootcert \(rootCert) cannot be read: give the path of the CA bundle (PEM) that signed the server's certificate")
        }
        var poolSize = defaultPoolSize
        if let text = query["pool_size"] ?? environment["PRISMA_RELAY_DATABASE_POOL_SIZE"] {
            guard let size = Int(text), (1...200).contains(size) else {
                throw bad("pool_size \(text) is not a number of connections from 1 to 200")
            }
            poolSize = size
        }
        var password = parts.password.flatMap { $0.removingPercentEncoding }
        if password == nil, let file = query["password_file"] ?? environment["PRISMA_RELAY_DATABASE_PASSWORD_FILE"] {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw bad("the password file \(file) cannot be read")
            }
            password = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .newlines)
        }
        if password == nil { password = environment["PGPASSWORD"] }
        return PostgresSettings(
            host: host, port: parts.port ?? 5432, user: user, password: password, database: database, sslMode: mode,
            sslRootCert: rootCert, poolSize: poolSize)
    }

    /// The location as safe to show: no password.
    public var location: String {
        var text = "postgres://\(user)@\(host.contains(":") ? "[\(host)]" : host):\(port)/\(database)?sslmode=\(sslMode.rawValue)"
        if let sslRootCert { text += "&sslrootcert=\(sslRootCert)" }
        return text
    }

    /// `location` with any password in it replaced.
    static func redacted(_ location: String) -> String {
        guard var parts = URLComponents(string: location) else { return "postgres://…" }
        guard parts.password != nil else { return location }
        parts.password = "redacted"
        return parts.string ?? "postgres://…"
    }
}
