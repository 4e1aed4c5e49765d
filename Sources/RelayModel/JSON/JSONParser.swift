/// A JSON text that could not be parsed, with the byte offset where parsing stopped.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public var offset: Int
    public var reason: String
    public var description: String { "invalid JSON at byte \(offset): \(reason)" }
}

extension JSONValue {
    /// Parses one JSON document (RFC 8259), keeping member order and number literals.
    public static func parse(_ bytes: some Collection<UInt8>) throws(JSONParseError) -> JSONValue {
        try JSONParser.reading(bytes) { (parser: inout JSONParser) throws(JSONParseError) in try parser.parseDocument() }
    }

    /// Parses one JSON document, reading each object nested `level.depth` levels deep (the document's own object or
    /// array is level 1) lazily, as `parse(_:lazily:preselecting:)` reads one member's: its text checked and kept, what
    /// `level.preselecting` names read at once in the same pass, the rest when first asked for. The alerts of a page
    /// (level 3: `{"items":[{…}]}`) are read so: normalizing reads a few of their fields, storing and sending copy
    /// their text. An object whose text differs from what the writer would produce (whitespace, an escape it spells
    /// otherwise, malformed UTF-8) is read at once, as by `parse`, and keeps no text.
    public static func parse(_ bytes: some Collection<UInt8>, lazily level: JSONLazyLevel) throws(JSONParseError) -> JSONValue {
        try JSONParser.reading(bytes) { (parser: inout JSONParser) throws(JSONParseError) in
            parser.lazyDepth = level.depth
            if case .members(let wanted) = level.preselecting { parser.preselection = wanted }
            return try parser.parseDocument()
        }
    }

    /// Parses one JSON document, an object, reading the object of its member `member` lazily: its text is checked and
    /// kept, and its members are parsed the first time they are asked for (a stored event's `raw_event`, which delivery
    /// mostly writes out again as it is). Every other member is read at once: what is read anyway costs no second
    /// pass. An object whose text differs from what the writer would produce is read at once, as by `parse`.
    ///
    /// With `preselecting`, the lazy object also has the members it names read at once, in the same pass that checks
    /// its text (its `preselected`): what is read of every such object costs no second pass over the text.
    public static func parse(
        _ bytes: some Collection<UInt8>, lazily member: String, preselecting: JSONSelection? = nil
    ) throws(JSONParseError) -> JSONValue {
        try JSONParser.reading(bytes) { (parser: inout JSONParser) throws(JSONParseError) in
            parser.lazyMember = member
            if case .members(let wanted)? = preselecting { parser.preselection = wanted }
            return try parser.parseDocument()
        }
    }

    /// Parses one JSON document, building only the members `selection` names and stepping over the rest (still
    /// checking them).
    static func parse(_ bytes: some Collection<UInt8>, selecting selection: JSONSelection) throws(JSONParseError) -> JSONValue {
        try JSONParser.reading(bytes) { (parser: inout JSONParser) throws(JSONParseError) in
            parser.skipWhitespace()
            let value = try parser.parseSelected(selection)
            parser.skipWhitespace()
            guard parser.index == parser.bytes.count else { throw parser.fail("unexpected data after the document") }
            return value
        }
    }

    /// Parses JSON documents written one after another (Splunk HEC's batch form): the documents read (each with only
    /// what `selection` names, the rest checked and stepped over), and the index of the first one that could not be
    /// read, if any.
    public static func parseConcatenated(
        _ bytes: some Collection<UInt8>, selecting selection: JSONSelection = .all
    ) -> (values: [JSONValue], failedAt: Int?) {
        JSONParser.reading(bytes) { (parser: inout JSONParser) -> (values: [JSONValue], failedAt: Int?) in
            var values: [JSONValue] = []
            parser.skipWhitespace()
            while parser.index < parser.bytes.count {
                do {
                    values.append(try parser.parseSelected(selection))
                } catch {
                    return (values, values.count)
                }
                parser.skipWhitespace()
            }
            return (values, nil)
        }
    }

    /// Parses one JSON document from text.
    public static func parse(_ text: String) throws(JSONParseError) -> JSONValue {
        try parse(Array(text.utf8))
    }
}

/// Reads the bytes in place (no copy when they are contiguous already); every read is checked against the end.
struct JSONParser {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0
    var depth = 0
    static let maxDepth = 512
    /// The nesting level whose objects are read lazily, if any.
    var lazyDepth = 0
    /// How many places so far the text differs from what the writer would write for the same value.
    var nonCanonical = 0
    /// The member of the document's object whose object is read lazily, if any.
    var lazyMember: String?
    /// What of a lazily read object is read at once.
    var preselection: [JSONSelection.Wanted] = []
    /// Set while the value of `lazyMember` is read: an object there is read lazily.
    var lazyNext = false
    /// While members are read at once: the text of those read so far, as the writer would write them (then nothing
    /// is built: see `parseSelected`).
    var selectedText: [UInt8]?

    private init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    /// Runs `body` with a parser over `bytes`, valid only inside it.
    static func reading<Result, Failure>(
        _ bytes: some Collection<UInt8>, _ body: (inout JSONParser) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        let outcome = bytes.withContiguousStorageIfAvailable { buffer in
            var parser = JSONParser(bytes: buffer)
            return Swift.Result { () throws(Failure) in try body(&parser) }
        }
        if let outcome { return try outcome.get() }
        return try Array(bytes).withUnsafeBufferPointer { buffer throws(Failure) in
            var parser = JSONParser(bytes: buffer)
            return try body(&parser)
        }
    }

    mutating func parseDocument() throws(JSONParseError) -> JSONValue {
        skipWhitespace()
        let value = try parseValue()
        skipWhitespace()
        guard index == bytes.count else { throw fail("unexpected data after the document") }
        return value
    }

    func fail(_ reason: String) -> JSONParseError { JSONParseError(offset: index, reason: reason) }

    mutating func skipWhitespace() {
        let start = index
        defer { if index != start { nonCanonical += 1 } }
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    mutating func parseValue() throws(JSONParseError) -> JSONValue {
        guard index < bytes.count else { throw fail("unexpected end of input") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"):
            try expect("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expect("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expect("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw fail("unexpected character '\(Character(Unicode.Scalar(bytes[index])))'")
        }
    }

    mutating func expect(_ word: StaticString) throws(JSONParseError) {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw fail("unexpected end of input") }
        let matches = word.withUTF8Buffer { literal in
            (0..<count).allSatisfy { bytes[index + $0] == literal[$0] }
        }
        guard matches else { throw fail("invalid literal") }
        index += count
    }

    mutating func enter() throws(JSONParseError) {
        depth += 1
        if depth > Self.maxDepth { throw fail("nesting deeper than \(Self.maxDepth) levels") }
    }

    /// Past the `{` or `[` at `index`: true when the object or array is empty, and then past its `closing` too.
    @inline(__always)
    mutating func opensEmpty(closing: UInt8) -> Bool {
        index += 1
        skipWhitespace()
        guard index < bytes.count, bytes[index] == closing else { return false }
        index += 1
        return true
    }

    /// After a member or an element: past a `,` (true: another follows) or past `closing` (false: that was the last).
    @inline(__always)
    mutating func continues(until closing: UInt8) throws(JSONParseError) -> Bool {
        skipWhitespace()
        guard index < bytes.count else { throw fail(closing == UInt8(ascii: "}") ? "unterminated object" : "unterminated array") }
        if bytes[index] == UInt8(ascii: ",") {
            index += 1
            return true
        }
        guard bytes[index] == closing else { throw fail(closing == UInt8(ascii: "}") ? "expected ',' or '}'" : "expected ',' or ']'") }
        index += 1
        return false
    }

    mutating func parseObject() throws(JSONParseError) -> JSONValue {
        try enter()
        defer { depth -= 1 }
        let (start, differences) = (index, nonCanonical)
        if lazyNext || depth == lazyDepth {
            // What is read at once of a member read lazily (a stored event's `raw_event`) is copied as text, whole (no
            // object inside it is lazy), and that text is read lazily in turn: most uses only compare or copy it. Of
            // the objects of a level (the alerts of a page) it is built at once: normalizing reads all of it.
            lazyNext = false
            let building = depth == lazyDepth
            if !preselection.isEmpty, !building {
                selectedText = [UInt8(ascii: "{")]
                selectedText?.reserveCapacity(512)
            }
            let members = try selectMembers(preselection)
            selectedText?.append(UInt8(ascii: "}"))
            let selected = building ? (preselection.isEmpty ? nil : JSONObject(members)) : selectedText.map { JSONObject(lazy: $0) }
            selectedText = nil
            if nonCanonical == differences {
                return .object(JSONObject(lazy: keptText(start..<index), selected: selected))
            }
            // Not as the writer would write it: read now, so that it is written out as it would be.
            (index, nonCanonical) = (start, differences)
        }
        var members: [JSONObject.Member] = []
        if opensEmpty(closing: UInt8(ascii: "}")) { return .object(JSONObject(members)) }
        repeat {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw fail("expected a member name") }
            let key = try parseString()
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw fail("expected ':'") }
            index += 1
            skipWhitespace()
            lazyNext = depth == 1 && key == lazyMember && index < bytes.count && bytes[index] == UInt8(ascii: "{")
            members.append(JSONObject.Member(key: key, value: try parseValue()))
            lazyNext = false
        } while try continues(until: UInt8(ascii: "}"))
        return .object(JSONObject(members))
    }

    mutating func parseArray() throws(JSONParseError) -> JSONValue {
        try enter()
        defer { depth -= 1 }
        var elements: [JSONValue] = []
        if opensEmpty(closing: UInt8(ascii: "]")) { return .array(elements) }
        repeat {
            skipWhitespace()
            elements.append(try parseValue())
        } while try continues(until: UInt8(ascii: "]"))
        return .array(elements)
    }

    mutating func parseNumber() throws(JSONParseError) -> String {
        let start = index
        try scanNumber()
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
    }

    /// Moves past a number, checking its grammar.
    mutating func scanNumber() throws(JSONParseError) {
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count, isDigit(bytes[index]) else { throw fail("invalid number") }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else {
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard index < bytes.count, isDigit(bytes[index]) else { throw fail("invalid number") }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count, isDigit(bytes[index]) else { throw fail("invalid number") }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
    }

    func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    mutating func parseString() throws(JSONParseError) -> String {
        index += 1
        let start = index
        // Fast path: no escapes.
        var ascii = true
        if let base = bytes.baseAddress {
            (index, ascii) = JSONStringScan.firstSpecial(base, from: start, to: bytes.count)
            if index < bytes.count, bytes[index] == UInt8(ascii: "\"") {
                let run = UnsafeBufferPointer(rebasing: bytes[start..<index])
                index += 1
                let text = String(decoding: run, as: UTF8.self)
                // Malformed UTF-8 comes out repaired, unlike the text.
                if !ascii, !text.utf8.elementsEqual(run) { nonCanonical += 1 }
                return text
            }
        }
        // Escapes (rare), or a byte the string may not hold: read with the rest of the string.
        return try readEscaped(from: start, ascii: ascii, building: true) ?? ""
    }

    /// The rest of a string with escapes, from `index` (its first escape or special byte; `ascii`: whether the bytes
    /// from `start` to there are) to past its closing quote, checked as `parseString` checks it: built from `start`
    /// when `building`, else only stepped over (nil). Escapes
    /// spelled as the writer spells them (`\"`, `\\`, `\n`, `\r`, `\t`, and `\u00xx` for the other control characters,
    /// in lowercase) leave the text as the writer would write it; any other spelling does not.
    mutating func readEscaped(from start: Int, ascii: Bool, building: Bool) throws(JSONParseError) -> String? {
        guard let base = bytes.baseAddress else { throw fail("unterminated string") }
        var scratch: [UInt8]? = building ? Array(UnsafeBufferPointer(rebasing: bytes[start..<index])) : nil
        var ascii = ascii
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                // Malformed UTF-8 comes out repaired, unlike the text (escapes, which are ASCII, neither mend nor
                // break a sequence: the text and what it spells are well-formed alike).
                if !ascii {
                    let run = UnsafeBufferPointer(rebasing: bytes[start..<(index - 1)])
                    if !String(decoding: run, as: UTF8.self).utf8.elementsEqual(run) { nonCanonical += 1 }
                }
                return scratch.map { String(decoding: $0, as: UTF8.self) }
            case UInt8(ascii: "\\"):
                index += 1
                guard index < bytes.count else { throw fail("unterminated escape") }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): scratch?.append(escape)
                case UInt8(ascii: "/"):
                    scratch?.append(escape)
                    nonCanonical += 1
                case UInt8(ascii: "b"):
                    scratch?.append(0x08)
                    nonCanonical += 1
                case UInt8(ascii: "f"):
                    scratch?.append(0x0C)
                    nonCanonical += 1
                case UInt8(ascii: "n"): scratch?.append(0x0A)
                case UInt8(ascii: "r"): scratch?.append(0x0D)
                case UInt8(ascii: "t"): scratch?.append(0x09)
                case UInt8(ascii: "u"):
                    if !isWrittenEscape(at: index) { nonCanonical += 1 }
                    var scalar = try parseHex4()
                    if (0xD800...0xDBFF).contains(scalar) {
                        guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
                        else { throw fail("unpaired surrogate") }
                        index += 2
                        let low = try parseHex4()
                        guard (0xDC00...0xDFFF).contains(low) else { throw fail("unpaired surrogate") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00...0xDFFF).contains(scalar) {
                        throw fail("unpaired surrogate")
                    }
                    guard let unicode = Unicode.Scalar(scalar) else { throw fail("invalid \\u escape") }
                    scratch?.append(contentsOf: Array(String(Character(unicode)).utf8))
                default: throw fail("invalid escape")
                }
            default:
                if byte < 0x20 { throw fail("control character in string") }
                // A plain run, up to the next byte that needs a look.
                let runStart = index
                let plain: Bool
                (index, plain) = JSONStringScan.firstSpecial(base, from: index + 1, to: bytes.count)
                ascii = ascii && plain && byte < 0x80
                scratch?.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
            }
        }
        throw fail("unterminated string")
    }

    /// Whether the four hex digits at `index` (after `\u`) are those the writer writes: a control character other
    /// than tab, newline and carriage return, as `00` and two lowercase digits.
    func isWrittenEscape(at index: Int) -> Bool {
        guard index + 4 <= bytes.count, bytes[index] == UInt8(ascii: "0"), bytes[index + 1] == UInt8(ascii: "0") else { return false }
        let high = bytes[index + 2]
        guard high == UInt8(ascii: "0") || high == UInt8(ascii: "1"), let low = Hex.digits.firstIndex(of: bytes[index + 3]) else {
            return false
        }
        let value = Int(high - UInt8(ascii: "0")) * 16 + low
        return value != 0x09 && value != 0x0A && value != 0x0D
    }

    mutating func parseHex4() throws(JSONParseError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw fail("invalid \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw fail("invalid \\u escape")
            }
            value = value << 4 | digit
            index += 1
        }
        return value
    }
}
