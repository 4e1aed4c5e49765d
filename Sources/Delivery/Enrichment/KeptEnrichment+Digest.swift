import Crypto
import Foundation
import RelayModel

extension KeptEnrichment {
    /// An enrichment serialized, under the SHA-256 of its JSON in hex: events whose enrichment is the same (alerts on
    /// one host, by one person) share one stored copy.
    public init(_ enrichment: JSONObject) {
        let json = JSONValue.object(enrichment).jsonString()
        self.init(json: json, digest: Hex.string(SHA256.hash(data: Data(json.utf8))))
    }
}
