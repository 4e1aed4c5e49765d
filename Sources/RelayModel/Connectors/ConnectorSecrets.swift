/// A connector's secrets as the store seals them, in one sealed value: the secret key alone (as every connector
/// stored before proxies had it), or, with a proxy password, both in a tagged JSON object. Rotation and copying
/// re-seal the value whole, so they need not know what it holds.
public enum ConnectorSecrets {
    static let tag = "\u{0}prisma-relay-secrets:"

    /// The text to seal for `config`.
    public static func pack(_ config: ConnectorConfig) -> String {
        guard let password = config.proxyPassword else { return config.secretKey.reveal() }
        let object: JSONObject = ["secretKey": .string(config.secretKey.reveal()), "proxyPassword": .string(password.reveal())]
        return tag + JSONValue.object(object).jsonString()
    }

    /// Puts the secrets of an opened value back into `config`.
    public static func unpack(_ text: String, into config: inout ConnectorConfig) {
        guard text.hasPrefix(tag), let object = try? JSONValue.parse(Array(text.dropFirst(tag.count).utf8)) else {
            config.secretKey = Secret(text)
            return
        }
        config.secretKey = Secret(object["secretKey"]?.stringValue ?? "")
        config.proxyPassword = object["proxyPassword"]?.stringValue.map(Secret.init)
    }
}
