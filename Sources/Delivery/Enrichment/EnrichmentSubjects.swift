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
        instanceIDs = Self.unique(instances.compactMap { $0?.stringValue }.filter { $0.wholeMatch(of: /i-[0-9a-f]{8,17}/) != nil })

        let names: [JSONValue?] = [data["privateDnsName"], data["publicDnsName"], raw["fqdn"], raw["hostname"]]
        dnsNames = Self.unique(
            names.compactMap { $0?.stringValue?.lowercased() }.filter { $0.contains(".") && $0.wholeMatch(of: /[a-z0-9.-]+/) != nil })
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

    /// A login or e-mail address, lowercased: an IAM ARN's session or user name when it is one; nil otherwise.
    static func login(_ text: String) -> String? {
        var candidate = text
        if candidate.hasPrefix("arn:"), let last = candidate.split(separator: "/").last { candidate = String(last) }
        candidate = candidate.lowercased()
        guard candidate.wholeMatch(of: /[a-z0-9._%+'-]+@[a-z0-9.-]+\.[a-z]{2,}/) != nil else { return nil }
        return candidate
    }

    static func isIPAddress(_ text: String) -> Bool {
        if let match = text.wholeMatch(of: /(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})/) {
            return [match.1, match.2, match.3, match.4].allSatisfy { (Int($0) ?? 256) < 256 }
        }
        return text.contains(":") && text.count <= 45 && text.wholeMatch(of: /[0-9a-fA-F:.]+/) != nil
    }

    static func unique(_ values: [String]) -> [String] {
        var seen = Set<String>()
        return Array(values.filter { seen.insert($0).inserted }.prefix(limit))
    }
}
