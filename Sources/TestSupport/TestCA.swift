import Foundation
import NIOSSL

/// A private certificate authority made for one test with the `openssl` command: a CA, a server certificate it
/// signs for 127.0.0.1 and localhost, and a client certificate for mutual TLS. Files in a scratch directory; the
/// PEM texts for settings.
public struct TestCA: Sendable {
    public let directory: URL
    public var caFile: String { directory.appendingPathComponent("ca.pem").path }
    public var caPEM: String { read("ca.pem") }
    public var clientCertificatePEM: String { read("client.pem") }
    public var clientKeyPEM: String { read("client.key") }

    init(directory: URL) { self.directory = directory }

    /// Makes the CA and its certificates (`openssl`, run off the cooperative threads).
    public static func make() async throws -> TestCA {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("relay-ca-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let ca = TestCA(directory: directory)
        let curve = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        try await ca.run(
            ["req", "-x509"] + curve + [
                "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=PrismaRelay Test CA",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
            ])
        for (name, subject, usage) in [
            ("server", "/CN=127.0.0.1", "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n"),
            ("client", "/CN=prisma-relay", "extendedKeyUsage=clientAuth\n"),
        ] {
            try await ca.run(["req"] + curve + ["-keyout", "\(name).key", "-out", "\(name).csr", "-subj", subject])
            try Data(usage.utf8).write(to: directory.appendingPathComponent("\(name).ext"))
            try await ca.run([
                "x509", "-req", "-in", "\(name).csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "\(name).pem",
                "-days", "2", "-extfile", "\(name).ext",
            ])
        }
        return ca
    }

    /// A server's TLS with the certificate this CA signed; with `requireClientCertificate`, only clients presenting a
    /// certificate this CA signed get through.
    public func serverTLS(requireClientCertificate: Bool = false) throws -> TLSConfiguration {
        var tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(directory.appendingPathComponent("server.pem").path).map {
                .certificate($0)
            },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: directory.appendingPathComponent("server.key").path, format: .pem)))
        if requireClientCertificate {
            tls.certificateVerification = .noHostnameVerification
            tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(caFile))
        }
        return tls
    }

    func read(_ name: String) -> String {
        (try? String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)) ?? ""
    }

    func run(_ arguments: [String]) async throws {
        let finished = try await ChildProcess.run(["openssl"] + arguments, directory: directory)
        guard finished.status == 0 else {
            throw TestCAError(description: "openssl \(arguments.first ?? "") failed: \(String(decoding: finished.stderr, as: UTF8.self))")
        }
    }
}

public struct TestCAError: Error, CustomStringConvertible {
    public var description: String
}
