import Crypto
import RelayModel

extension KeptEnrichment {
    /// An enrichment's compact JSON text, under its SHA-256 in hex: events whose enrichment is the same (alerts on one
    /// host, by one person) share one stored copy.
    init(text: [UInt8]) {
        self.init(json: String(decoding: text, as: UTF8.self), digest: Hex.string(SHA256.hash(data: text)))
    }

    /// `enrichment` written once: the object keeping its text (so each envelope that carries it copies it), and that
    /// text kept for the store.
    public static func keeping(_ enrichment: JSONObject) -> (object: JSONObject, kept: KeptEnrichment) {
        let (object, text) = enrichment.keepingText()
        return (object, KeptEnrichment(text: text))
    }
}
