import Synchronization

/// The text a JSON object was read from, kept so that writing it again is a copy; and, for an object read lazily,
/// its members, parsed from that text the first time they are asked for. A stored event's `raw_event` is read
/// lazily: delivering it to most destinations writes it out without ever looking inside; what does look inside
/// (enrichment, fitting an event to a size) parses it then, once.
final class JSONKeptText: Sendable {
    /// Compact, canonical JSON: what the writer would write.
    let bytes: [UInt8]
    /// Whether the members are parsed from `bytes` on first use rather than held by the object.
    let isLazy: Bool
    /// Some of a lazy object's members, read in the same pass that checked its text: built (the alerts of a page), or
    /// copied as text, an object read lazily in turn (a stored event's `raw_event`; see `JSONValue.preselected`).
    let selected: JSONObject?
    private let parsed = Mutex<[JSONObject.Member]?>(nil)

    /// The text of an object whose members it holds itself.
    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        isLazy = false
        selected = nil
    }

    /// The text of an object read lazily; the parser has checked that it is one canonical JSON object.
    init(lazy bytes: [UInt8], selected: JSONObject?) {
        self.bytes = bytes
        isLazy = true
        self.selected = selected
    }

    /// Whether a lazy object's members have been parsed.
    var isParsed: Bool { parsed.withLock { $0 != nil } }

    /// The members of a lazy object, parsed once, all of them. (Reading the objects inside lazily in turn was tried:
    /// enrichment, which reads a few members at each of three levels, then scanned the deepest bytes four times.)
    var members: [JSONObject.Member] {
        parsed.withLock { cached in
            if let cached { return cached }
            // The text was checked when it was first read: it parses.
            let members = (try? JSONValue.parse(bytes))?.objectValue?.members ?? []
            cached = members
            return members
        }
    }
}

/// What to read of a JSON value: all of it, or only the members named (each with what to read of it) — of an object,
/// or of each object in an array.
public indirect enum JSONSelection: Sendable, ExpressibleByDictionaryLiteral {
    case all
    case members([Wanted])

    /// A member to read, its name also as the bytes a canonical text spells it with (compared without hashing).
    public struct Wanted: Sendable {
        let key: String
        let bytes: [UInt8]
        let selection: JSONSelection
    }

    public init(dictionaryLiteral elements: (String, JSONSelection)...) {
        self = .members(elements.map { Wanted(key: $0.0, bytes: Array($0.0.utf8), selection: $0.1) })
    }
}

/// The objects at one nesting level of a document, to be read lazily (`JSONValue.parse(_:lazily:)`), each with what
/// `preselecting` names read at once.
public struct JSONLazyLevel: Sendable {
    /// The level: the document's own object or array is level 1.
    public var depth: Int
    public var preselecting: JSONSelection

    public init(depth: Int, preselecting: JSONSelection) {
        self.depth = depth
        self.preselecting = preselecting
    }
}

extension JSONValue {
    /// What the parser read of this object, if it was read lazily with some of its members at once: of an alert of
    /// a page, what normalizing reads; of a stored event's `raw_event`, what names people and hosts (an object with its
    /// text kept, itself read when its members are first asked for).
    var preselected: JSONValue? {
        guard case .object(let object) = self, let selected = object.kept?.selected else { return nil }
        return .object(selected)
    }

    /// This value with only what `selection` names in it. An object read lazily and not read yet is read from its
    /// text in one pass that builds only those members and steps over the rest — what enrichment does for every
    /// event, reading some twenty fields of a raw alert; any other value is returned as it is (its members are
    /// there already, and reading them again would cost more).
    public func selecting(_ selection: JSONSelection) -> JSONValue {
        guard case .object(let object) = self, let kept = object.kept, kept.isLazy, !kept.isParsed else { return self }
        // The text was checked when it was first read: it parses.
        return (try? JSONValue.parse(kept.bytes, selecting: selection)) ?? self
    }
}
