/// A heartbeat: a sign of life sent to one integration every `heartbeatMinutes`, so that the receiving side can alarm
/// when they stop arriving. One per interval slot, whichever replica writes it first. Pure.
public enum Heartbeat {
    /// What stands in for a connector on a heartbeat: not a name a connector may have.
    public static let connector = "(relay)"

    /// The interval an integration asked for, in minutes, or nil.
    public static func minutes(_ integration: Integration) -> Int? {
        integration.config[IntegrationSchema.heartbeatKey]?.int64Value.map { Int($0) }.flatMap { $0 > 0 ? $0 : nil }
    }

    /// The heartbeat of `integration` for the slot that holds `now`.
    public static func event(for integration: Integration, minutes: Int, now: Int64) -> NormalizedEvent {
        let interval = Int64(minutes) * 60_000
        let slot = now - now % interval
        let nativeID = "relay-heartbeat:\(integration.id):\(slot)"
        let text = "PrismaRelay is running and delivering to \(integration.name); the next heartbeat follows within \(minutes) min"
        return NormalizedEvent(
            id: EventID.make(connector: connector, kind: .heartbeat, nativeID: nativeID, version: String(slot)), source: "prisma_relay",
            kind: .heartbeat, connector: connector, nativeID: nativeID, version: String(slot), status: "open", severity: .info,
            originalSeverity: nil, module: .cspm, title: "PrismaRelay heartbeat", description: text,
            policy: NormalizedEvent.Policy(name: "PrismaRelay heartbeat", type: "heartbeat"),
            resource: NormalizedEvent.Resource(id: integration.id, name: integration.name, type: "integration"),
            firstSeen: Timestamp.rfc3339(epochMilliseconds: slot), lastSeen: Timestamp.rfc3339(epochMilliseconds: slot),
            observedAt: Timestamp.rfc3339(epochMilliseconds: now),
            rawEvent: .object([
                "heartbeat": .string(Timestamp.rfc3339(epochMilliseconds: slot)), "integration": .string(integration.name),
                "intervalMinutes": .int(Int64(minutes)),
            ]))
    }
}
