/// Writes one compact JSON object straight into bytes, member by member in the order given, for a shape known in
/// advance (a normalized event): no tree of values is built to be written and thrown away. Names are literals that
/// need no escaping; values are written as `JSONValue` writes them, so the text is the same as the tree's would be.
struct JSONObjectWriter: ~Copyable {
    private var bytes: JSONOutput
    private var isEmpty = true

    init(capacity: Int) {
        bytes = JSONOutput(capacity: capacity)
        bytes.append(UInt8(ascii: "{"))
    }

    /// The object's text, closed.
    consuming func finish() -> [UInt8] {
        bytes.append(UInt8(ascii: "}"))
        return bytes.bytes()
    }

    /// `,"name":` (no comma before the first member), written in one go.
    private mutating func name(_ name: StaticString) {
        let comma = !isEmpty
        isEmpty = false
        let count = name.utf8CodeUnitCount
        bytes.write(atMost: count + 4) { out in
            var at = 0
            if comma {
                out[0] = UInt8(ascii: ",")
                at = 1
            }
            out[at] = UInt8(ascii: "\"")
            (out + at + 1).initialize(from: name.utf8Start, count: count)
            out[at + 1 + count] = UInt8(ascii: "\"")
            out[at + 2 + count] = UInt8(ascii: ":")
            return at + 3 + count
        }
    }

    mutating func add(_ name: StaticString, _ value: String) {
        self.name(name)
        JSONValue.writeString(value, into: &bytes)
    }

    /// A string, or `null` when there is none.
    mutating func add(_ name: StaticString, _ value: String?) {
        guard let value else { return add(name, JSONValue.null) }
        add(name, value)
    }

    mutating func add(_ name: StaticString, _ value: Bool) {
        add(name, JSONValue.bool(value))
    }

    mutating func add(_ name: StaticString, _ values: [String]) {
        self.name(name)
        bytes.append(UInt8(ascii: "["))
        for (position, value) in values.enumerated() {
            if position > 0 { bytes.append(UInt8(ascii: ",")) }
            JSONValue.writeString(value, into: &bytes)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    mutating func add(_ name: StaticString, _ value: JSONValue) {
        self.name(name)
        value.write(into: &bytes, pretty: false, indent: 0)
    }

    /// An object member whose members `body` writes.
    mutating func addObject(_ name: StaticString, _ body: (inout JSONObjectWriter) -> Void) {
        self.name(name)
        bytes.append(UInt8(ascii: "{"))
        isEmpty = true
        body(&self)
        bytes.append(UInt8(ascii: "}"))
        isEmpty = false
    }
}
