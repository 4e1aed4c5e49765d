import AsyncHTTPClient
import Foundation
import NIOSSL
import RelayModel

/// The TLS configuration of a way out: the system's CAs, plus the process's CA file and the route's certificates,
/// and the client certificate when the route has one. Certificates that do not parse are refused in words.
enum TLSSettings {
    static func configuration(_ way: PinnedClients.Way) throws -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        var roots: [NIOSSLAdditionalTrustRoots] = []
        if let file = way.caFile {
            roots.append(.certificates(try certificates(try readFile(file), what: "the CA file \(file) (\(NetworkSettings.caFileKey))")))
        }
        if let pem = way.caCertificates { roots.append(.certificates(try certificates(pem, what: "caCertificates"))) }
        tls.additionalTrustRoots = roots
        if let pem = way.clientCertificate {
            tls.certificateChain = try certificates(pem, what: "clientCertificate").map { .certificate($0) }
            guard let key = way.clientKey else { throw TLSSetupFailure("clientKey is missing: a client certificate needs its private key") }
            do {
                tls.privateKey = .privateKey(try NIOSSLPrivateKey(bytes: Array(key.utf8), format: .pem))
            } catch {
                // The library's words about a key could quote it: they are not repeated.
                throw TLSSetupFailure("clientKey is not a PEM private key the relay can read (unencrypted PKCS#8, RSA or EC)")
            }
        }
        return tls
    }

    static func certificates(_ pem: String, what: String) throws -> [NIOSSLCertificate] {
        do {
            let found = try NIOSSLCertificate.fromPEMBytes(Array(pem.utf8))
            guard !found.isEmpty else { throw TLSSetupFailure("\(what) holds no PEM certificate") }
            return found
        } catch let failure as TLSSetupFailure {
            throw failure
        } catch {
            throw TLSSetupFailure("\(what) is not PEM certificates the relay can read (\(error))")
        }
    }

    static func readFile(_ path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TLSSetupFailure("the CA file \(path) cannot be read: check the path and its permissions")
        }
        return String(decoding: data, as: UTF8.self)
    }
}

/// TLS settings that cannot be used: what is wrong, in words.
public struct TLSSetupFailure: Error, Sendable, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
