extension JSONValue {
    /// The compact JSON text of this value (no whitespace), members in their stored order.
    public func jsonBytes() -> [UInt8] {
        // An object that kept its text is that text, shared rather than copied.
        if case .object(let object) = self, let text = object.text { return text }
        var out = JSONOutput(capacity: 256)
        write(into: &out, pretty: false, indent: 0)
        return out.bytes()
    }

    /// The compact JSON text of this value.
    public func jsonString() -> String { String(decoding: jsonBytes(), as: UTF8.self) }

    /// The JSON text indented by two spaces, for people to read.
    public func prettyJSONString() -> String {
        var out = JSONOutput(capacity: 256)
        write(into: &out, pretty: true, indent: 0)
        return String(decoding: out.bytes(), as: UTF8.self)
    }

    func write(into out: inout JSONOutput, pretty: Bool, indent: Int) {
        switch self {
        case .null: out.append("null")
        case .bool(let value): out.append(value ? "true" : "false")
        case .number(let literal):
            var literal = literal
            literal.withUTF8 { out.append($0) }
        case .string(let text): Self.writeString(text, into: &out)
        case .array(let elements):
            out.append(UInt8(ascii: "["))
            for (position, element) in elements.enumerated() {
                if position > 0 { out.append(UInt8(ascii: ",")) }
                if pretty { Self.newline(into: &out, indent: indent + 1) }
                element.write(into: &out, pretty: pretty, indent: indent + 1)
            }
            if pretty, !elements.isEmpty { Self.newline(into: &out, indent: indent) }
            out.append(UInt8(ascii: "]"))
        case .object(let object):
            if !pretty, let text = object.text {
                out.append(text)
                return
            }
            out.append(UInt8(ascii: "{"))
            for (position, member) in object.members.enumerated() {
                if position > 0 { out.append(UInt8(ascii: ",")) }
                if pretty { Self.newline(into: &out, indent: indent + 1) }
                Self.writeString(member.key, into: &out)
                out.append(UInt8(ascii: ":"))
                if pretty { out.append(UInt8(ascii: " ")) }
                member.value.write(into: &out, pretty: pretty, indent: indent + 1)
            }
            if pretty, object.count > 0 { Self.newline(into: &out, indent: indent) }
            out.append(UInt8(ascii: "}"))
        }
    }

    static func newline(into out: inout JSONOutput, indent: Int) {
        out.append(0x0A)
        for _ in 0..<(indent * 2) { out.append(UInt8(ascii: " ")) }
    }

    static func writeString(_ text: String, into out: inout JSONOutput) {
        out.append(UInt8(ascii: "\""))
        // A native string's bytes are read where they are; another (bridged) is made contiguous first.
        if text.utf8.withContiguousStorageIfAvailable({ writeEscaping($0, into: &out) }) == nil {
            var text = text
            text.withUTF8 { writeEscaping($0, into: &out) }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// The UTF-8 `bytes` of a string, escaped as JSON escapes them (no quotes around them).
    private static func writeEscaping(_ bytes: UnsafeBufferPointer<UInt8>, into out: inout JSONOutput) {
        guard let base = bytes.baseAddress else { return }
        // Runs that need no escaping (nearly everything) are copied whole.
        var start = 0
        while true {
            let index = JSONStringScan.firstSpecial(base, from: start, to: bytes.count).index
            out.append(UnsafeBufferPointer(rebasing: bytes[start..<index]))
            guard index < bytes.count else { return }
            let byte = bytes[index]
            start = index + 1
            out.append(UInt8(ascii: "\\"))
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): out.append(byte)
            case 0x0A: out.append(UInt8(ascii: "n"))
            case 0x0D: out.append(UInt8(ascii: "r"))
            case 0x09: out.append(UInt8(ascii: "t"))
            default:
                out.append("u00")
                out.append(Hex.digits[Int(byte >> 4)])
                out.append(Hex.digits[Int(byte & 0x0F)])
            }
        }
    }
}
