/// What an `integrationConfig` of one type may hold (seed 003's tables, plus the keys Prisma's reference documents
/// beyond them), the rules across its keys, and which keys are fixed once created. Each destination declares its
/// own, beside its code.
public struct IntegrationSchema: Sendable {
    public var type: IntegrationType
    /// The name people know the destination by ("Amazon S3").
    public var displayName: String
    public var fields: [IntegrationField]
    /// Keys an update may not change.
    public var immutableKeys: Set<String>
    /// Keys that say where the secrets are sent (a URL, a host): an update that changes one must give the
    /// secrets again, so a stored secret cannot be walked out by pointing it elsewhere.
    public var destinationKeys: [String]
    /// Rules across keys (the SQS and Service Bus variants, payload switches): the problems found.
    var crossCheck: @Sendable (JSONObject) -> [ConfigError]

    public init(
        _ type: IntegrationType, _ displayName: String, _ fields: [IntegrationField], immutableKeys: Set<String> = [],
        sentTo destinationKeys: [String] = [],
        crossCheck: @escaping @Sendable (JSONObject) -> [ConfigError] = { _ in [] }
    ) {
        self.type = type
        self.displayName = displayName
        self.fields = fields + [Self.maxInFlightField]
        self.immutableKeys = immutableKeys
        self.destinationKeys = destinationKeys
        self.crossCheck = crossCheck
    }

    /// The relay setting every type has: a cap on the requests in flight to the destination, across every replica.
    public static let maxInFlightKey = "maxInFlight"
    static let maxInFlightField = IntegrationField(
        maxInFlightKey, .count(1...64), label: "Requests in flight at most",
        help: "Requests in flight to this destination at most, across every replica (relay setting); when unset, each "
            + "replica sends up to its delivery concurrency")

    /// The relay setting of the types that carry whole events: a heartbeat event sent at this interval, so that the
    /// receiving side can alarm when they stop.
    public static let heartbeatKey = "heartbeatMinutes"
    public static let heartbeatField = IntegrationField(
        heartbeatKey, .count(1...1_440), label: "Heartbeat every (minutes)",
        help:
            "Sends a heartbeat event (kind: heartbeat) this often, so the receiving side can alarm when they stop (relay setting); unset: none"
    )

    /// The field named `key`.
    public func field(_ key: String) -> IntegrationField? { fields.first { $0.key == key } }

    /// `integrationConfig.<key>` — how errors name a config key.
    public static func path(_ key: String) -> String { "integrationConfig.\(key)" }

    /// Whether a key holds a non-empty value.
    public static func present(_ config: JSONObject, _ key: String) -> Bool {
        switch config[key] {
        case nil, .null: false
        case .string(let text): !text.isEmpty
        default: true
        }
    }

    /// Minutes of alerts per object or file, for the destinations that roll alerts up.
    public static let rollUpIntervals = [15, 30, 60, 180]
}
