import Crypto
import Foundation
import RelayModel

extension KeptEnrichment {
    /// An enrichment serialized, under the SHA-256 of its JSON in hex: events whose enrichment is the same (alerts on
    /// one host, by one person) share one stored copy.
    public init(_ enrichment: JSONObject) {
        let json = JSONValue.object(enrichment).jsonString()
        let hex = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(64)
        for byte in SHA256.hash(data: Data(json.utf8)) {
            text.append(hex[Int(byte >> 4)])
            text.append(hex[Int(byte & 0x0f)])
        }
        self.init(json: json, digest: String(decoding: text, as: UTF8.self))
    }
}
