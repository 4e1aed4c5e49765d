/// Moving past a value while checking it, without building it: how an object read lazily is checked (every rule
/// `parse` applies, with the same errors at the same offsets) and found to be canonical or not, and how only some of
/// its members are read.
extension JSONParser {
    /// The text of `range`, copied.
    func keptText(_ range: Range<Int>) -> [UInt8] { Array(UnsafeBufferPointer(rebasing: bytes[range])) }

    /// The value at `index`, with only what `selection` names of it: of an object, the members named; of an array,
    /// that of each element. The rest is checked and stepped over. While `selectedText` is kept, what is named is
    /// copied to it as text instead, and nothing is built (the value returned is null).
    mutating func parseSelected(_ selection: JSONSelection) throws(JSONParseError) -> JSONValue {
        let building = selectedText == nil
        guard case .members(let wanted) = selection, index < bytes.count,
            bytes[index] == UInt8(ascii: "{") || bytes[index] == UInt8(ascii: "[")
        else {
            if building { return try parseValue() }
            let start = index
            try skipValue()
            selectedText?.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
            return .null
        }
        try enter()
        defer { depth -= 1 }
        guard bytes[index] == UInt8(ascii: "[") else {
            selectedText?.append(UInt8(ascii: "{"))
            let members = try selectMembers(wanted)
            selectedText?.append(UInt8(ascii: "}"))
            return .object(JSONObject(members))
        }
        selectedText?.append(UInt8(ascii: "["))
        var elements: [JSONValue] = []
        var count = 0
        try walkArray { (parser: inout JSONParser) throws(JSONParseError) in
            if count > 0 { parser.selectedText?.append(UInt8(ascii: ",")) }
            count += 1
            let element = try parser.parseSelected(selection)
            if building { elements.append(element) }
        }
        selectedText?.append(UInt8(ascii: "]"))
        return .array(elements)
    }

    /// Past the object at `index` (its level already entered): the members `wanted` names, read (or, while
    /// `selectedText` is kept, copied to it as the writer writes them); the rest checked and stepped over. With none
    /// wanted, the object is only checked.
    mutating func selectMembers(_ wanted: [JSONSelection.Wanted]) throws(JSONParseError) -> [JSONObject.Member] {
        var members: [JSONObject.Member] = []
        var matched = 0
        // The names wanted, as bits (`Self.bit(of:)`): most names are passed over on that alone. (`wanted` is read in
        // place, by index: a copy of an entry would count references to its three parts.)
        var sought: UInt64 = 0
        for position in wanted.indices { sought |= wanted[position].bytes.withUnsafeBufferPointer(Self.bit(of:)) }
        if opensEmpty(closing: UInt8(ascii: "}")) { return members }
        repeat {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw fail("expected a member name") }
            // The name as written, compared byte for byte: a name with escapes matches none (no name sought has one).
            let nameStart = index + 1
            try skipString()
            let quoted = (nameStart - 1)..<index
            let name = UnsafeBufferPointer(rebasing: bytes[nameStart..<(index - 1)])
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw fail("expected ':'") }
            index += 1
            skipWhitespace()
            if sought & Self.bit(of: name) != 0, let match = Self.position(of: name, in: wanted) {
                if selectedText == nil {
                    members.append(JSONObject.Member(key: wanted[match].key, value: try parseSelected(wanted[match].selection)))
                } else {
                    if matched > 0 { selectedText?.append(UInt8(ascii: ",")) }
                    selectedText?.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[quoted]))
                    selectedText?.append(UInt8(ascii: ":"))
                    _ = try parseSelected(wanted[match].selection)
                }
                matched += 1
            } else {
                try skipValue()
            }
        } while try continues(until: UInt8(ascii: "}"))
        return members
    }

    /// A name's bit among 64, from its length and its first and last bytes: names of one length mostly differ there.
    @inline(__always)
    static func bit(of name: UnsafeBufferPointer<UInt8>) -> UInt64 {
        guard let first = name.first, let last = name.last else { return 1 }
        return 1 << ((UInt64(name.count) &* 5 &+ UInt64(first) &* 3 &+ UInt64(last)) & 63)
    }

    /// Where in `wanted` the member named `name` (as written) is, compared byte for byte.
    static func position(of name: UnsafeBufferPointer<UInt8>, in wanted: [JSONSelection.Wanted]) -> Int? {
        for position in wanted.indices where wanted[position].bytes.count == name.count {
            let same = wanted[position].bytes.withUnsafeBufferPointer { spelled in
                for offset in 0..<name.count where spelled[offset] != name[offset] { return false }
                return true
            }
            if same { return position }
        }
        return nil
    }

    mutating func skipValue() throws(JSONParseError) {
        guard index < bytes.count else { throw fail("unexpected end of input") }
        switch bytes[index] {
        case UInt8(ascii: "{"):
            try enter()
            defer { depth -= 1 }
            try skipObject()
        case UInt8(ascii: "["):
            try enter()
            defer { depth -= 1 }
            try skipArray()
        case UInt8(ascii: "\""): try skipString()
        case UInt8(ascii: "t"): try expect("true")
        case UInt8(ascii: "f"): try expect("false")
        case UInt8(ascii: "n"): try expect("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try scanNumber()
        default: throw fail("unexpected character '\(Character(Unicode.Scalar(bytes[index])))'")
        }
    }

    /// Past the object at `index` (its level already entered), checked.
    mutating func skipObject() throws(JSONParseError) { _ = try selectMembers([]) }

    /// Past the array at `index` (its level already entered).
    mutating func skipArray() throws(JSONParseError) {
        try walkArray { (parser: inout JSONParser) throws(JSONParseError) in try parser.skipValue() }
    }

    /// Past the array at `index` (its level already entered), with `element` reading each element.
    mutating func walkArray(_ element: (inout JSONParser) throws(JSONParseError) -> Void) throws(JSONParseError) {
        if opensEmpty(closing: UInt8(ascii: "]")) { return }
        repeat {
            skipWhitespace()
            try element(&self)
        } while try continues(until: UInt8(ascii: "]"))
    }

    /// Past the string at `index`. A string with escapes is stepped over by `readEscaped`, which judges how they are
    /// spelled.
    mutating func skipString() throws(JSONParseError) {
        let start = index + 1
        index = start
        var ascii = true
        if let base = bytes.baseAddress {
            (index, ascii) = JSONStringScan.firstSpecial(base, from: start, to: bytes.count)
            if index < bytes.count, bytes[index] == UInt8(ascii: "\"") {
                if !ascii {
                    // Malformed UTF-8 would be written out repaired: not canonical.
                    let run = UnsafeBufferPointer(rebasing: bytes[start..<index])
                    if !String(decoding: run, as: UTF8.self).utf8.elementsEqual(run) { nonCanonical += 1 }
                }
                index += 1
                return
            }
        }
        _ = try readEscaped(from: start, ascii: ascii, building: false)
    }
}
