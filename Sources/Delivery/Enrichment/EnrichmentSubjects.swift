import RelayModel

/// What an event names that an enrichment source can look up: the identities (logins and e-mail addresses of the
/// people attributed to the alert, IAM principals, resource owners) and the hosts (IP addresses, instance ids, DNS
/// names) of its resource. Read from the raw Prisma object, in the order found, each once, at most 10 of each kind.
public struct EnrichmentSubjects: Sendable, Equatable {
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
        let raw = event.rawEvent
        let data = raw["resource"]?["data"] ?? .null
        let attribution = raw["alertAttribution"] ?? .null
        var people: [JSONValue?] = [attribution["resourceCreatedBy"], data["userName"], data["user"], data["email"], data["owner"]]
        people += attribution["attributionEventList"]?.arrayValue?.map { $0["username"] } ?? []
        people += Self.tags(data).filter { ["owner", "email", "contact"].contains($0.key.lowercased()) }.map { .string($0.value) }
        // A Compute incident's audits name the user a process ran as.
        people += raw["audits"]?.arrayValue?.map { $0["user"] } ?? []
        identities = Self.unique(people.compactMap { $0?.stringValue }.compactMap(Self.login))

        let interfaces = data["networkInterfaces"]?.arrayValue ?? []
        var addresses: [JSONValue?] = [data["privateIpAddress"], data["publicIpAddress"], data["ipAddress"]]
        for interface in interfaces {
            addresses += [interface["privateIpAddress"], interface["association"]?["publicIp"], interface["networkIP"]]
            addresses += interface["privateIpAddresses"]?.arrayValue?.map { $0["privateIpAddress"] } ?? []
            addresses += interface["accessConfigs"]?.arrayValue?.map { $0["natIP"] } ?? []
        }
        ips = Self.unique(addresses.compactMap { $0?.stringValue }.filter(Self.isIPAddress))

        let instances: [JSONValue?] = [data["instanceId"], raw["resource"]?["id"], raw["resourceID"]]
        instanceIDs = Self.unique(instances.compactMap { $0?.stringValue }.filter(Self.isInstanceID))

        let names: [JSONValue?] = [data["privateDnsName"], data["publicDnsName"], raw["fqdn"], raw["hostname"]]
        dnsNames = Self.unique(names.compactMap { $0?.stringValue?.lowercased() }.filter(Self.isDNSName))
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

    /// A login or e-mail address, lowercased: an IAM ARN's session or user name when it is one; nil otherwise.
    static func login(_ text: String) -> String? {
        var candidate = Substring(text)
        if candidate.hasPrefix("arn:"), let slash = candidate.lastIndex(of: "/") { candidate = candidate[candidate.index(after: slash)...] }
        let lowered = candidate.lowercased()
        let parts = lowered.utf8.split(separator: UInt8(ascii: "@"), omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[0].allSatisfy(isLocalPart) else { return nil }
        let labels = parts[1].split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard labels.count >= 2, labels.allSatisfy({ !$0.isEmpty && $0.allSatisfy(isHostByte) }),
            let top = labels.last, top.count >= 2, top.allSatisfy({ $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") })
        else { return nil }
        return lowered
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

    static func unique(_ values: [String]) -> [String] {
        var seen = Set<String>()
        return Array(values.filter { seen.insert($0).inserted }.prefix(limit))
    }
}
