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

    public init(_ event: NormalizedEvent) {
        // Read in one pass per kind, straight into the lists: this runs for every event delivered while a source is on.
        let raw = event.rawEvent
        let data = raw["resource"]?["data"] ?? .null
        let attribution = raw["alertAttribution"] ?? .null
        var identities: [String] = []
        func person(_ value: JSONValue?) {
            if case .string(let text)? = value, let login = Self.login(text) { Self.add(login, to: &identities) }
        }
        person(attribution["resourceCreatedBy"])
        for key in ["userName", "user", "email", "owner"] { person(data[key]) }
        for event in attribution["attributionEventList"]?.arrayValue ?? [] { person(event["username"]) }
        for tag in Self.tags(data) where ["owner", "email", "contact"].contains(tag.key.lowercased()) { person(.string(tag.value)) }
        // A Compute incident's audits name the user a process ran as.
        for audit in raw["audits"]?.arrayValue ?? [] { person(audit["user"]) }
        self.identities = identities

        var ips: [String] = []
        func address(_ value: JSONValue?) {
            if case .string(let text)? = value, Self.isIPAddress(text) { Self.add(text, to: &ips) }
        }
        for key in ["privateIpAddress", "publicIpAddress", "ipAddress"] { address(data[key]) }
        for interface in data["networkInterfaces"]?.arrayValue ?? [] {
            address(interface["privateIpAddress"])
            address(interface["association"]?["publicIp"])
            address(interface["networkIP"])
            for item in interface["privateIpAddresses"]?.arrayValue ?? [] { address(item["privateIpAddress"]) }
            for item in interface["accessConfigs"]?.arrayValue ?? [] { address(item["natIP"]) }
        }
        self.ips = ips

        var instanceIDs: [String] = []
        for value in [data["instanceId"], raw["resource"]?["id"], raw["resourceID"]] {
            if case .string(let text)? = value, Self.isInstanceID(text) { Self.add(text, to: &instanceIDs) }
        }
        self.instanceIDs = instanceIDs

        var dnsNames: [String] = []
        for value in [data["privateDnsName"], data["publicDnsName"], raw["fqdn"], raw["hostname"]] {
            if case .string(let text)? = value, case let name = text.lowercased(), Self.isDNSName(name) { Self.add(name, to: &dnsNames) }
        }
        self.dnsNames = dnsNames
    }

    /// Appends `value` unless the list has it or is full (lists are short: a scan beats hashing).
    static func add(_ value: String, to list: inout [String]) {
        if list.count < limit, !list.contains(value) { list.append(value) }
    }

    public var isEmpty: Bool { identities.isEmpty && ips.isEmpty && instanceIDs.isEmpty && dnsNames.isEmpty }

    /// A resource's tags, as AWS (`[{key, value}]`) or as a plain object.
    static func tags(_ data: JSONValue) -> [(key: String, value: String)] {
        if let list = data["tags"]?.arrayValue {
            return list.compactMap { tag in
                guard let key = (tag["key"] ?? tag["Key"])?.stringValue, let value = (tag["value"] ?? tag["Value"])?.stringValue else {
                    return nil
                }
                return (key, value)
            }
        }
        return data["tags"]?.objectValue?.compactMap { member in member.value.stringValue.map { (member.key, $0) } } ?? []
    }

    // The checks below scan bytes rather than run regular expressions: they run for every event delivered.

    /// A login or e-mail address, lowercased: an IAM ARN's session or user name when it is one; nil otherwise. Checked
    /// byte by byte, lowercased as it goes; only a match is copied.
    public static func login(_ text: String) -> String? {
        var bytes = Substring(text).utf8
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
        return String(decoding: bytes.map(lower), as: UTF8.self)
    }

    /// An ASCII letter in lowercase; any other byte as it is.
    static func lower(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte + 32 : byte
    }

    static func isLocalPart(_ byte: UInt8) -> Bool { isHostByte(byte) || "._%+'".utf8.contains(byte) }

    /// A lowercase letter, a digit or a hyphen.
    static func isHostByte(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
            || byte == UInt8(ascii: "-")
    }

    static func isHex(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "f"))
            || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "F"))
    }

    static func isIPAddress(_ text: String) -> Bool {
        let bytes = text.utf8
        if bytes.contains(UInt8(ascii: ":")) {
            return bytes.count <= 45 && bytes.allSatisfy { isHex($0) || $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: ".") }
        }
        let parts = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        return parts.count == 4
            && parts.allSatisfy { part in
                (1...3).contains(part.count) && part.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
                    && part.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) } < 256
            }
    }

    /// An EC2 instance id: `i-` and 8 to 17 hex digits.
    static func isInstanceID(_ text: String) -> Bool {
        let bytes = text.utf8
        return text.hasPrefix("i-") && (10...19).contains(bytes.count) && bytes.dropFirst(2).allSatisfy(isHex)
    }

    /// A lowercase DNS name with at least one dot.
    static func isDNSName(_ text: String) -> Bool {
        text.utf8.contains(UInt8(ascii: ".")) && text.utf8.allSatisfy { isHostByte($0) || $0 == UInt8(ascii: ".") }
    }
}
