import Crypto
import Foundation

/// Azure Service Bus shared access signatures: `SharedAccessSignature sr=…&sig=…&se=…&skn=…`, the HMAC-SHA256 of the
/// encoded resource URI and the expiry under the key (its UTF-8 bytes, as given). Pure.
public struct SharedAccessSignature: Sendable, Equatable {
    public var keyName: String
    public var key: String

    public init(keyName: String, key: String) {
        self.keyName = keyName
        self.key = key
    }

    /// The parts of a connection string `Endpoint=sb://…/;SharedAccessKeyName=…;SharedAccessKey=…[;EntityPath=…]`.
    public struct ConnectionString: Sendable, Equatable {
        public var endpoint: String
        public var signature: SharedAccessSignature
        public var entityPath: String?

        public init?(_ text: String) {
            var parts: [String: String] = [:]
            for part in text.split(separator: ";") {
                guard let equals = part.firstIndex(of: "=") else { continue }
                parts[String(part[..<equals]).trimmingCharacters(in: .whitespaces)] = String(part[part.index(after: equals)...])
            }
            guard let endpoint = parts["Endpoint"], let name = parts["SharedAccessKeyName"], let key = parts["SharedAccessKey"] else {
                return nil
            }
            self.endpoint = endpoint
            signature = SharedAccessSignature(keyName: name, key: key)
            entityPath = parts["EntityPath"].flatMap { $0.isEmpty ? nil : $0 }
        }
    }

    /// The token for `resourceURI`, valid until `expiry` (epoch seconds).
    public func token(resourceURI: String, expiry: Int64) -> String {
        let resource = SigV4.encode(resourceURI)
        let mac = HMAC<SHA256>.authenticationCode(for: Data("\(resource)\n\(expiry)".utf8), using: SymmetricKey(data: Data(key.utf8)))
        let signature = SigV4.encode(Data(mac).base64EncodedString())
        return "SharedAccessSignature sr=\(resource)&sig=\(signature)&se=\(expiry)&skn=\(SigV4.encode(keyName))"
    }
}
