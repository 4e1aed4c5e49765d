import RelayModel

extension Replica {
    /// The replica as the API and `prisma-relay replicas --json` show it.
    public func publicJSON(at now: Int64) -> JSONValue {
        .object([
            "id": .string(id), "host": .string(host), "pid": .int(pid), "version": .string(version),
            "state": .string(liveness(at: now).rawValue),
            "startedAt": .string(Timestamp.rfc3339(epochMilliseconds: startedAt)),
            "lastHeartbeatAt": .string(Timestamp.rfc3339(epochMilliseconds: heartbeatAt)),
            "stoppedAt": .optional(stoppedAt.map(Timestamp.rfc3339(epochMilliseconds:))),
            "connectors": .array(connectors.map(JSONValue.string)), "claimedDeliveries": .int(claimedDeliveries),
            "twoWaySync": .bool(twoWaySync),
        ])
    }
}
