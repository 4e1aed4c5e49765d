import NIOSSL

extension TLSConfiguration {
    /// A server configuration from PEM files: the certificate chain and its private key.
    public static func server(certificateFile: String, keyFile: String) throws -> TLSConfiguration {
        .makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(certificateFile).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: keyFile, format: .pem)))
    }
}
