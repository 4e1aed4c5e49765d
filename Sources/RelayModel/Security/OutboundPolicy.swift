import Foundation

/// The one rule for every address a connector or destination request connects to. By default loopback,
/// link-local (the cloud metadata service among them), unspecified, broadcast and multicast addresses are refused;
/// private and public ranges are allowed. The operator widens it (`allow`: ranges or host names allowed even when
/// refused otherwise) or narrows it (`deny`: ranges, or `private` for every private range).
public struct OutboundPolicy: Sendable, Equatable {
    /// Ranges and host names allowed whatever else says.
    public var allowedRanges: [IPRange]
    public var allowedHosts: Set<String>
    /// Ranges refused beyond the default ones.
    public var deniedRanges: [IPRange]

    public init(allowedRanges: [IPRange] = [], allowedHosts: Set<String> = [], deniedRanges: [IPRange] = []) {
        self.allowedRanges = allowedRanges
        self.allowedHosts = Set(allowedHosts.map { $0.lowercased() })
        self.deniedRanges = deniedRanges
    }

    /// The default policy: nothing allowed beyond the defaults, nothing denied beyond them.
    public static let standard = OutboundPolicy()

    /// Loopback allowed too: the demo and tests whose receivers listen on this machine.
    public static let allowingLoopback = OutboundPolicy(
        allowedRanges: [IPRange("127.0.0.0/8")!, IPRange("::1")!], allowedHosts: ["localhost"])

    /// Whether `host` (a name or an address, IPv6 in brackets or not) is this machine's loopback, which the default
    /// policy refuses: what reaches it never leaves this machine.
    public static func isThisMachine(_ host: String) -> Bool {
        let loopback = allowingLoopback
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).lowercased()
        return loopback.allowedHosts.contains(bare)
            || IPAddress(bare).map { address in loopback.allowedRanges.contains { $0.contains(address) } } ?? false
    }

    /// The environment variables (and `serve` options) that set the policy.
    public static let environmentKeys = (allow: "PRISMA_RELAY_OUTBOUND_ALLOW", deny: "PRISMA_RELAY_OUTBOUND_DENY")

    /// Ranges refused unless allowed, each with the words that explain it.
    static let refusedByDefault: [(IPRange, String)] = [
        ("127.0.0.0/8", "a loopback address"), ("::1", "a loopback address"),
        ("0.0.0.0/8", "an unspecified address"), ("::", "an unspecified address"),
        ("169.254.0.0/16", "a link-local address (where cloud metadata services answer)"),
        ("fe80::/10", "a link-local address"), ("fd00:ec2::254", "the cloud metadata service"),
        ("224.0.0.0/4", "a multicast address"), ("ff00::/8", "a multicast address"),
        ("255.255.255.255", "the broadcast address"), ("240.0.0.0/4", "a reserved address"),
    ].map { (IPRange($0.0)!, $0.1) }

    /// What `private` in the deny list stands for.
    static let privateRanges = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "fc00::/7"].map { IPRange($0)! }

    /// A policy from the operator's comma-separated lists (options first, then the environment).
    public static func parse(allow: String?, deny: String?) throws(ConfigErrors) -> OutboundPolicy {
        var policy = OutboundPolicy()
        var errors: [ConfigError] = []
        let keys = environmentKeys
        for item in entries(allow) {
            if let range = IPRange(item) {
                policy.allowedRanges.append(range)
            } else if item.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" }) {
                policy.allowedHosts.insert(item.lowercased())
            } else {
                errors.append(
                    ConfigError(
                        field: "--outbound-allow (\(keys.allow))",
                        "\"\(item)\" is neither an address range such as 10.0.0.0/8 nor a host name"))
            }
        }
        for item in entries(deny) {
            if item.lowercased() == "private" {
                policy.deniedRanges += privateRanges
            } else if let range = IPRange(item) {
                policy.deniedRanges.append(range)
            } else {
                errors.append(
                    ConfigError(
                        field: "--outbound-deny (\(keys.deny))",
                        "\"\(item)\" is neither an address range such as 10.0.0.0/8 nor the word private"))
            }
        }
        guard errors.isEmpty else { throw ConfigErrors(errors) }
        return policy
    }

    /// The policy the environment sets (options given to `serve` take the place of the variables).
    public static func from(environment: [String: String], allow: String? = nil, deny: String? = nil) throws(ConfigErrors) -> OutboundPolicy
    {
        try parse(allow: allow ?? environment[environmentKeys.allow], deny: deny ?? environment[environmentKeys.deny])
    }

    static func entries(_ text: String?) -> [String] {
        (text ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// Headers only the HTTP stack sets — the host connected to and the connection's own (hop-by-hop) headers —
    /// which configuration may not set and requests never carry from it.
    public static let reservedHeaders: Set<String> = [
        "host", "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection", "te", "trailer",
        "transfer-encoding", "upgrade", "content-length",
    ]

    /// Why connecting to `address` (for a URL naming `host`) is refused, or nil when it is allowed.
    public func refusal(host: String, address: IPAddress) -> String? {
        if allowedHosts.contains(host.lowercased()) || allowedRanges.contains(where: { $0.contains(address) }) { return nil }
        if let (_, words) = Self.refusedByDefault.first(where: { $0.0.contains(address) }) { return words }
        if deniedRanges.contains(where: { $0.contains(address) }) { return "in a range the operator denies" }
        return nil
    }
}

/// A request the outbound policy did not let out.
public struct OutboundRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var address: String
    public var reason: String

    public init(host: String, address: String, reason: String) {
        self.host = host
        self.address = address
        self.reason = reason
    }

    public var description: String {
        let target = host == address ? address : "\(host) (\(address))"
        return "the relay's outbound policy refused to connect to \(target): it is \(reason). "
            + "If this destination is meant, allow it with \(OutboundPolicy.environmentKeys.allow)=\(address) (or serve --outbound-allow \(address))."
    }
}
