/// Stable event identifiers: the same (connector, kind, native id, version) always gives the same id.
///
/// An id is `evt_` and 32 hex digits. Where the version is a time — an alert's `lastUpdated`, an audit record's
/// timestamp, a health episode's or a heartbeat's start, each in epoch milliseconds and leading the version — the
/// first 12 digits are that time and the other 20 the low 80 bits of the identity's hash; otherwise (a Compute
/// incident, whose version is its `_id`) all 32 are the hash. A connector reads its events in the order of their
/// times, so the ids of a page fall together in the stores' unique index of ids, instead of at random places
/// throughout it: once that index is large, random ids made every commit write pages all over it.
public enum EventID {
    public static func make(connector: String, kind: EventKind, nativeID: String, version: String) -> String {
        var id = hash([connector, kind.rawValue, nativeID, version])
        if let millis = time(kind: kind, version: version) {
            id = UInt128(millis) << 80 | id & (1 << 80 - 1)
        }
        return "evt_" + hex(id)
    }

    /// 32 hex digits of the 128-bit FNV-1a hash of `parts`, each followed by a separator.
    public static func digest(_ parts: [String]) -> String {
        hex(hash(parts))
    }

    /// The 128-bit FNV-1a hash of `parts`, each followed by a separator.
    static func hash(_ parts: [String]) -> UInt128 {
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
        return hash
    }

    /// The milliseconds that lead `version`, when they fit the id's 48 bits; none for an incident, whose version is a
    /// hex `_id`.
    static func time(kind: EventKind, version: String) -> UInt64? {
        guard kind != .incident, let millis = Timestamp.epochMilliseconds(leading: version), millis < 1 << 48 else { return nil }
        return UInt64(millis)
    }

    private static func hex(_ value: UInt128) -> String {
        withUnsafeBytes(of: value.bigEndian) { Hex.string($0) }
    }
}
