/// When a connector has gone silent — no successful poll for `staleAfterPolls` intervals, or no new events for
/// `quietAfterSeconds` — and the health event (`kind: health`) that says so, which rules route like any other, so that
/// the SOC learns the pipe has stopped. Pure.
public enum Silence {
    public enum Condition: String, Sendable, CaseIterable {
        /// No successful poll for too many intervals.
        case stale
        /// No new events for too long.
        case quiet
    }

    /// A condition that holds, since when (epoch ms, stable while it lasts, so the event raised for it is one), and
    /// the sentence that says so.
    public struct Finding: Sendable, Equatable {
        public var condition: Condition
        public var since: Int64
        public var sentence: String
    }

    /// A poll may run this long before it is given up (`RelayApp.maxPollSeconds`' default): a long poll of a large
    /// backlog is not silence until it has run past it.
    public static let longestPollMillis: Int64 = 900_000

    /// The conditions that hold for a connector at `now`. A disabled connector is silent on purpose: none. No
    /// successful poll for N intervals is silence once a poll has failed since (the tenant stopped answering, the key
    /// was revoked), or once even the longest poll would have ended (polls that hang or never start).
    public static func findings(_ config: ConnectorConfig, _ state: ConnectorState, now: Int64) -> [Finding] {
        guard config.enabled, let start = state.createdAt else { return [] }
        var findings: [Finding] = []
        let interval = Int64(config.intervalSeconds) * 1000
        if config.staleAfterPolls > 0 {
            let since = state.lastSuccessAt ?? start
            let allowed = Int64(config.staleAfterPolls) * interval
            let failedSince = state.lastError != nil && (state.lastPollAt ?? 0) > since
            if now - since > allowed, failedSince || now - since > allowed + longestPollMillis {
                let last =
                    state.lastSuccessAt == nil
                    ? "no poll has succeeded since it was added" : "the last one succeeded \(Elapsed.words(now - since)) ago"
                let why = state.lastError.map { "; the last error: \(ErrorSentence.split($0).sentence)" } ?? ""
                findings.append(
                    Finding(
                        condition: .stale, since: since,
                        sentence:
                            "Connector \(config.name) has not polled successfully for \(config.staleAfterPolls) intervals (\(last))\(why)"))
            }
        }
        if config.quietAfterSeconds > 0 {
            let since = state.lastAddedAt ?? start
            if now - since > Int64(config.quietAfterSeconds) * 1000 {
                let findingsWord = config.type == .cspm ? "alerts" : "incidents"
                findings.append(
                    Finding(
                        condition: .quiet, since: since,
                        sentence:
                            "Connector \(config.name) has collected no new \(findingsWord) for \(Elapsed.words(now - since)) (more than the \(Elapsed.words(Int64(config.quietAfterSeconds) * 1000)) allowed)"
                    ))
            }
        }
        return findings
    }

    /// The native id of a connector's condition: one alert per connector and condition, each episode a version.
    public static func nativeID(_ connector: String, _ condition: Condition) -> String { "relay-health:\(connector):\(condition.rawValue)" }

    /// The health event for `finding` (open, versioned by when the silence began), or — with `resolvedAt` — the version
    /// that resolves it.
    public static func event(
        _ config: ConnectorConfig, condition: Condition, since: Int64, sentence: String, resolvedAt: Int64? = nil, observedAt: Int64
    ) -> NormalizedEvent {
        let nativeID = nativeID(config.name, condition)
        // An episode is its start: opened as `since`, resolved as `since + 1`, whenever either is written.
        let version = String(resolvedAt == nil ? since : since + 1)
        let status = resolvedAt == nil ? "open" : "resolved"
        let title =
            resolvedAt == nil
            ? sentence
            : "Connector \(config.name) is collecting again (\(condition == .stale ? "polls succeed" : "new events arrive"))"
        return NormalizedEvent(
            id: EventID.make(connector: config.name, kind: .health, nativeID: nativeID, version: version), source: "prisma_relay",
            kind: .health, connector: config.name, nativeID: nativeID, version: version, status: status,
            severity: condition == .stale ? .high : .medium, originalSeverity: nil, module: config.type == .cspm ? .cspm : .cwpp,
            title: title, description: sentence, policy: NormalizedEvent.Policy(name: "PrismaRelay connector health", type: "health"),
            resource: NormalizedEvent.Resource(id: config.name, name: config.name, type: "connector"),
            firstSeen: Timestamp.rfc3339(epochMilliseconds: since),
            lastSeen: Timestamp.rfc3339(epochMilliseconds: resolvedAt ?? observedAt),
            observedAt: Timestamp.rfc3339(epochMilliseconds: observedAt),
            rawEvent: .object([
                "connector": .string(config.name), "condition": .string(condition.rawValue), "status": .string(status),
                "since": .string(Timestamp.rfc3339(epochMilliseconds: since)), "description": .string(sentence),
            ]))
    }
}
