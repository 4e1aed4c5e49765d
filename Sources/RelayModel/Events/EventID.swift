/// Stable event identifiers: the same (connector, kind, native id, version) always gives the same id.
public enum EventID {
    /// `evt_` and 32 hex digits of the 128-bit FNV-1a hash of the identity fields.
    public static func make(connector: String, kind: EventKind, nativeID: String, version: String) -> String {
        "evt_" + digest([connector, kind.rawValue, nativeID, version])
    }

    /// 32 hex digits of the 128-bit FNV-1a hash of `parts`, each followed by a separator.
    public static func digest(_ parts: [String]) -> String {
        var hash: UInt128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d
        let prime: UInt128 = 0x0000_0000_0100_0000_0000_0000_0000_013B
        for part in parts {
            for byte in part.utf8 {
                hash ^= UInt128(byte)
                hash = hash &* prime
            }
            // A separator that cannot occur in UTF-8 keeps ("ab", "c") apart from ("a", "bc").
            hash ^= 0xFF
            hash = hash &* prime
        }
        return withUnsafeBytes(of: hash.bigEndian) { Hex.string($0) }
    }
}
