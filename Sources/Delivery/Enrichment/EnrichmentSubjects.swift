import RelayModel

/// What an event names that an enrichment source can look up: the identities (logins and e-mail addresses of the
/// people attributed to the alert, IAM principals, resource owners) and the hosts (IP addresses, instance ids, DNS
/// names) of its resource. Read from the raw Prisma object, in the order found, each once, at most 10 of each kind.
public struct EnrichmentSubjects: Sendable, Hashable {
    public var identities: [String] = []
    public var ips: [String] = []
    public var instanceIDs: [String] = []
    public var dnsNames: [String] = []

    static let limit = 10

    public init(identities: [String] = [], ips: [String] = [], instanceIDs: [String] = [], dnsNames: [String] = []) {
        self.identities = identities
        self.ips = ips
        self.instanceIDs = instanceIDs
        self.dnsNames = dnsNames
    }

    public init(_ event: borrowing NormalizedEvent) { self.init(named: event.rawSubjectFields) }

    /// What `raw`, a raw event's `NormalizedEvent.subjectFields`, names: a function of those fields alone, so events
    /// whose fields are equal name the same.
    public init(named raw: JSONValue) {
        // Read field by field straight into the lists, with no list of names to loop over, no tag list built and
        // nothing lowercased but a match. Every field read here is one of `NormalizedEvent.subjectFields`: one
        // missing there would never be found.
        let resource = raw["resource"]
        let data = resource?["data"] ?? .null
        let attribution = raw["alertAttribution"] ?? .null
        person(attribution["resourceCreatedBy"])
        person(data["userName"])
        person(data["user"])
        person(data["email"])
        person(data["owner"])
        if case .array(let events)? = attribution["attributionEventList"] {
            for event in events { person(event["username"]) }
        }
        // A resource's tags, as AWS writes them (`[{key, value}]`) or as a plain object.
        switch data["tags"] {
        case .array(let tags)?:
            for tag in tags {
                if case .string(let key)? = tag["key"] ?? tag["Key"], Self.isContactTag(key) { person(tag["value"] ?? tag["Value"]) }
            }
        case .object(let tags)?:
            for tag in tags where Self.isContactTag(tag.key) { person(tag.value) }
        default: break
        }
        // A Compute incident's audits name the user a process ran as.
        if case .array(let audits)? = raw["audits"] {
            for audit in audits { person(audit["user"]) }
        }

        address(data["privateIpAddress"])
        address(data["publicIpAddress"])
        address(data["ipAddress"])
        if case .array(let interfaces)? = data["networkInterfaces"] {
            for interface in interfaces {
                address(interface["privateIpAddress"])
                address(interface["association"]?["publicIp"])
                address(interface["networkIP"])
                if case .array(let items)? = interface["privateIpAddresses"] {
                    for item in items { address(item["privateIpAddress"]) }
                }
                if case .array(let items)? = interface["accessConfigs"] {
                    for item in items { address(item["natIP"]) }
                }
            }
        }

        instance(data["instanceId"])
        instance(resource?["id"])
        instance(raw["resourceID"])

        dnsName(data["privateDnsName"])
        dnsName(data["publicDnsName"])
        dnsName(raw["fqdn"])
        dnsName(raw["hostname"])
    }

    private mutating func person(_ value: JSONValue?) {
        if case .string(let text)? = value, let login = Self.login(text) { Self.add(login, to: &identities) }
    }

    private mutating func address(_ value: JSONValue?) {
        if case .string(let text)? = value, Self.isIPAddress(text) { Self.add(text, to: &ips) }
    }

    private mutating func instance(_ value: JSONValue?) {
        if case .string(let text)? = value, Self.isInstanceID(text) { Self.add(text, to: &instanceIDs) }
    }

    private mutating func dnsName(_ value: JSONValue?) {
        if case .string(let text)? = value, Self.isDNSName(text) { Self.add(text.lowercased(), to: &dnsNames) }
    }

    /// Appends `value` unless the list has it or is full (lists are short: a scan beats hashing).
    static func add(_ value: String, to list: inout [String]) {
        if list.count < limit, !list.contains(value) { list.append(value) }
    }

    public var isEmpty: Bool { identities.isEmpty && ips.isEmpty && instanceIDs.isEmpty && dnsNames.isEmpty }

    /// A tag that names a person: `owner`, `email` or `contact`, in any case.
    static func isContactTag(_ key: String) -> Bool {
        let lowered = key.utf8.lazy.map(lower)
        return lowered.elementsEqual("owner".utf8) || lowered.elementsEqual("email".utf8) || lowered.elementsEqual("contact".utf8)
    }

    // The checks below scan bytes rather than run regular expressions: they run for every event delivered.

    /// A login or e-mail address, lowercased: an IAM ARN's session or user name when it is one; nil otherwise. Checked
    /// byte by byte over the string's own storage, lowercased as it goes; only a match is copied.
    public static func login(_ text: String) -> String? {
        var text = text
        return text.withUTF8 { login(utf8: $0[...]) }
    }

    static func login(utf8 all: Slice<UnsafeBufferPointer<UInt8>>) -> String? {
        var bytes = all
        if bytes.starts(with: "arn:".utf8), let slash = bytes.lastIndex(of: UInt8(ascii: "/")) {
            bytes = bytes[bytes.index(after: slash)...]
        }
        guard let at = bytes.firstIndex(of: UInt8(ascii: "@")) else { return nil }
        let local = bytes[..<at]
        guard !local.isEmpty, local.allSatisfy({ isLocalPart(lower($0)) }) else { return nil }
        // The domain: at least two labels of host bytes, the last of two or more letters.
        var dots = 0
        var label = 0
        var lettersOnly = true
        for byte in bytes[bytes.index(after: at)...] {
            let byte = lower(byte)
            if byte == UInt8(ascii: ".") {
                guard label > 0 else { return nil }
                dots += 1
                label = 0
                lettersOnly = true
            } else {
                guard isHostByte(byte) else { return nil }
                label += 1
                lettersOnly = lettersOnly && byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")
            }
        }
        guard dots >= 1, label >= 2, lettersOnly else { return nil }
        return String(unsafeUninitializedCapacity: bytes.count) { out in
            for (offset, byte) in bytes.enumerated() { out[offset] = lower(byte) }
            return bytes.count
        }
    }

    /// An ASCII letter in lowercase; any other byte as it is.
    static func lower(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte + 32 : byte
    }

    static func isLocalPart(_ byte: UInt8) -> Bool {
        isHostByte(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "%")
            || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "'")
    }

    /// A lowercase letter, a digit or a hyphen.
    static func isHostByte(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
            || byte == UInt8(ascii: "-")
    }

    static func isHex(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "f"))
            || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "F"))
    }

    public static func isIPAddress(_ text: String) -> Bool {
        let bytes = text.utf8
        if bytes.contains(UInt8(ascii: ":")) {
            return bytes.count <= 45 && bytes.allSatisfy { isHex($0) || $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: ".") }
        }
        // Four parts of one to three digits, each under 256, read in one pass.
        var parts = 1
        var digits = 0
        var value = 0
        for byte in bytes {
            if byte == UInt8(ascii: ".") {
                guard digits > 0, parts < 4 else { return false }
                (parts, digits, value) = (parts + 1, 0, 0)
            } else {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9"), digits < 3 else { return false }
                (digits, value) = (digits + 1, value * 10 + Int(byte - UInt8(ascii: "0")))
                guard value < 256 else { return false }
            }
        }
        return parts == 4 && digits > 0
    }

    /// An EC2 instance id: `i-` and 8 to 17 hex digits.
    static func isInstanceID(_ text: String) -> Bool {
        let bytes = text.utf8
        return text.hasPrefix("i-") && (10...19).contains(bytes.count) && bytes.dropFirst(2).allSatisfy(isHex)
    }

    /// A DNS name (in any case) with at least one dot.
    static func isDNSName(_ text: String) -> Bool {
        text.utf8.contains(UInt8(ascii: ".")) && text.utf8.allSatisfy { isHostByte(lower($0)) || $0 == UInt8(ascii: ".") }
    }
}
