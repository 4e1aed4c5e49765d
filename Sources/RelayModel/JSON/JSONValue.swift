/// A JSON document held exactly as it was received: object members keep their order and numbers keep their
/// literal text, so an alert written back out is the same JSON that Prisma Cloud sent.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    /// A number as its literal text (`1669196436771`, `0.5`, `1e3`), never rounded through `Double`.
    case number(String)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// Builds a number from an integer.
    public static func int(_ value: some BinaryInteger) -> JSONValue { .number(String(value)) }

    /// The member named `key` when this is an object.
    public subscript(key: String) -> JSONValue? {
        if case .object(let object) = self { return object[key] }
        return nil
    }

    /// The value when this is a string.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The value when this is an integral number (or a string holding one, as some Prisma fields are).
    public var int64Value: Int64? {
        switch self {
        case .number(let literal):
            if let exact = Int64(literal) { return exact }
            if let double = Double(literal), double.rounded() == double, abs(double) < 9.2e18 { return Int64(double) }
            return nil
        case .string(let text): return Int64(text)
        default: return nil
        }
    }

    /// The value when this is a boolean.
    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// The elements when this is an array.
    public var arrayValue: [JSONValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    /// The members when this is an object.
    public var objectValue: JSONObject? {
        if case .object(let value) = self { return value }
        return nil
    }
}

/// The members of a JSON object, in document order.
public struct JSONObject: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral {
    /// One `"key": value` member.
    public struct Member: Sendable, Hashable {
        public var key: String
        public var value: JSONValue
        public init(key: String, value: JSONValue) {
            self.key = key
            self.value = value
        }
    }

    /// The members in document order (parsed now, for an object read lazily that had not been read yet).
    public var members: [Member] {
        if let kept, kept.isLazy { return kept.members }
        return storage
    }

    /// The members, unless the object was read lazily: then they are `kept`'s.
    private var storage: [Member]

    /// The exact text the object was parsed from, when the parser was asked to keep it and it is what the writer
    /// would write anyway (compact, escapes spelled as it spells them); written out as is instead of being encoded
    /// again. Any change to the members drops it. Not part of the value: equality and hashing look at the members
    /// alone.
    var kept: JSONKeptText?

    var text: [UInt8]? { kept?.bytes }

    /// An object from members in the order given.
    public init(_ members: [Member] = []) { storage = members }

    /// An object read lazily: `text` (canonical, already checked) is parsed when its members are first asked for.
    init(lazy text: [UInt8], selected: JSONObject? = nil) {
        storage = []
        kept = JSONKeptText(lazy: text, selected: selected)
    }

    /// Makes the members this value's own, before they change (the text no longer says what they are).
    private mutating func changing() {
        if let kept, kept.isLazy { storage = kept.members }
        kept = nil
    }

    /// The object with its compact text written once and kept, so that every value that carries it (an enrichment
    /// shared by many events) writes it out by copying; the text, for storing the same bytes.
    public func keepingText() -> (object: JSONObject, text: [UInt8]) {
        var object = self
        object.changing()
        let text = JSONValue.object(object).jsonBytes()
        object.kept = JSONKeptText(text)
        return (object, text)
    }

    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        storage = elements.map { Member(key: $0.0, value: $0.1) }
    }

    /// The value of the first member named `key`; setting replaces it in place or appends it.
    public subscript(key: String) -> JSONValue? {
        get {
            if let kept, kept.isLazy {
                let members = kept.members
                return Self.index(of: key, in: members).map { members[$0].value }
            }
            // Read in place: a copy of the members would be retained and released on every lookup.
            return Self.index(of: key, in: storage).map { storage[$0].value }
        }
        set {
            changing()
            if let index = Self.index(of: key, in: storage) {
                if let newValue { storage[index].value = newValue } else { storage.remove(at: index) }
            } else if let newValue {
                storage.append(Member(key: key, value: newValue))
            }
        }
    }

    /// Where the first member named `key` is. Names of another length are passed over without comparing them: a
    /// lookup compares one or two names instead of every name before the one sought.
    private static func index(of key: String, in members: [Member]) -> Int? {
        let length = key.utf8.count
        return members.firstIndex { $0.key.utf8.count == length && $0.key == key }
    }

    /// The number of members.
    public var count: Int { members.count }

    public func makeIterator() -> IndexingIterator<[Member]> { members.makeIterator() }

    public static func == (left: JSONObject, right: JSONObject) -> Bool { left.members == right.members }

    public func hash(into hasher: inout Hasher) { hasher.combine(members) }
}
