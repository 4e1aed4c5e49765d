import RelayModel

/// The relay's durable state: connectors with their encrypted secrets, each connector's cursor and status, and
/// the deduplicated events. SQLite is the embedded implementation; every implementation passes the same tests.
public protocol RelayStore: Sendable {
    /// Adds a connector; fails with `StoreError.connectorExists` when the name is taken.
    func addConnector(_ config: ConnectorConfig) async throws
    /// Replaces a connector's configuration (secret included); its cursor and events stay.
    func updateConnector(_ config: ConnectorConfig) async throws
    /// Removes a connector and its cursor; the events it collected stay.
    func removeConnector(named name: String) async throws
    /// One connector with its secret decrypted, or nil.
    func connector(named name: String) async throws -> ConnectorConfig?
    /// Every connector, by name.
    func connectors() async throws -> [ConnectorConfig]

    /// Stores `events`, absorbing any already stored (same connector, kind, native id and version), queues each new
    /// one for the integrations the enabled rules route it to, and — when `cursor` is given — moves the connector's
    /// cursor to it, all in one transaction. Returns how many were new.
    func commit(events: [NormalizedEvent], connector: String, cursor: Int64?) async throws -> Int
    /// Keeps findings that could not be normalized, once each (the same finding seen again is not added twice).
    func recordRejected(_ findings: [RejectedFinding]) async throws
    /// Rejected findings, newest first.
    func rejectedFindings(connector: String?) async throws -> [RejectedFinding]
    /// Records the end of a poll at `time` (epoch ms).
    func recordPoll(connector: String, at time: Int64, outcome: PollOutcome) async throws
    /// The connector's status, counts and cursor.
    func state(of connector: String) async throws -> ConnectorState
    /// What a connector's poll in progress waits for, or nil once it no longer waits.
    func noteWaiting(connector: String, _ note: String?) async throws

    /// Adds an integration; fails with `StoreError.integrationNameExists` when the name is taken.
    func addIntegration(_ integration: Integration) async throws
    /// Replaces an integration (same id).
    func updateIntegration(_ integration: Integration) async throws
    /// Removes an integration; fails with `StoreError.integrationInUse` while a rule sends to it.
    func removeIntegration(id: String) async throws
    /// One integration with its config unsealed, or nil.
    func integration(id: String) async throws -> Integration?
    /// Every integration, by name.
    func integrations() async throws -> [Integration]

    /// Adds an alert rule; every integration it names must exist.
    func addRule(_ rule: AlertRule) async throws
    /// Replaces a rule (same id).
    func updateRule(_ rule: AlertRule) async throws
    func removeRule(id: String) async throws
    func rule(id: String) async throws -> AlertRule?
    /// Every rule, by name.
    func rules() async throws -> [AlertRule]

    /// Deliveries waiting: one row per (event, integration) the rules routed, oldest first.
    func outbox(integrationID: String?) async throws -> [OutboxEntry]

    /// Adds an API access key (its secret only as a hash); names and key ids are unique.
    func addAPIKey(_ key: APIKey) async throws
    /// The API key with this access key id, or nil.
    func apiKey(id: String) async throws -> APIKey?
    /// Every API key, revoked ones included, oldest first.
    func apiKeys() async throws -> [APIKey]
    /// Revokes the key with this id or name; false when there is none (or it was revoked already).
    func revokeAPIKey(_ idOrName: String, at time: Int64) async throws -> Bool
    /// Records that a key was accepted at `time`.
    func noteAPIKeyUse(id: String, at time: Int64) async throws

    /// Up to `limit` deliveries of `integrationID` due at `now`, oldest first; a later event of an alert waits
    /// while an earlier one is still pending, so a resolve never overtakes its trigger.
    func dueDeliveries(integrationID: String, now: Int64, limit: Int) async throws -> [QueuedDelivery]
    /// Records what became of queued deliveries, in one transaction.
    func recordDeliveries(_ records: [DeliveryRecord], integrationID: String, at time: Int64) async throws
    /// Sets an integration's status (and whether it is paused).
    func setIntegrationHealth(integrationID: String, _ health: IntegrationHealth) async throws
    /// An integration's status with its counts and queue depth.
    func integrationHealth(id: String) async throws -> IntegrationHealth
    /// Makes every waiting row of an integration due at `time`: its destination is back after an outage, so the
    /// backoff its rows gathered meanwhile no longer applies.
    func resumeDeliveries(integrationID: String, at time: Int64) async throws
    /// Deliveries given up on, newest first.
    func deadLetters(integrationID: String?) async throws -> [DeadLetter]
    /// Queues dead letters of an integration again (one, or all when `seq` is nil); returns how many.
    func retryDeadLetters(integrationID: String, seq: Int64?) async throws -> Int
    /// Discards one dead letter: it stays on record as discarded and is never sent.
    func discardDeadLetter(integrationID: String, seq: Int64) async throws -> Bool

    /// Stored events, newest first.
    func events(_ query: EventQuery) async throws -> [NormalizedEvent]
    /// Event counts by severity and module.
    func eventSummary(connector: String?) async throws -> EventSummary
    /// One stored event by its id, or nil.
    func event(id: String) async throws -> NormalizedEvent?
    /// What became of each event at each integration the rules sent it to, by event id (one query for a page).
    func deliveries(eventIDs: [String]) async throws -> [String: [DeliveryState]]
    /// Events per hour (by when Prisma last changed them) and severity since `since` (epoch ms).
    func hourlyCounts(since: Int64) async throws -> [HourlyCount]
}

/// A finding Prisma returned that the relay could not turn into an event (e.g. an alert without an id): kept
/// whole with the reason, never silently dropped, and shown in the connector's status.
public struct RejectedFinding: Sendable, Equatable {
    public var connector: String
    public var reason: String
    public var raw: JSONValue
    /// Epoch milliseconds.
    public var rejectedAt: Int64
    public init(connector: String, reason: String, raw: JSONValue, rejectedAt: Int64) {
        self.connector = connector
        self.reason = reason
        self.raw = raw
        self.rejectedAt = rejectedAt
    }
}

/// An event's delivery to one integration.
public struct DeliveryState: Sendable, Equatable {
    public var integrationID: String
    /// `pending`, `delivered`, `dead` or `discarded`.
    public var state: String
    public var attempts: Int
    public var lastError: String?
    public var finishedAt: Int64?
    public init(integrationID: String, state: String, attempts: Int, lastError: String?, finishedAt: Int64?) {
        self.integrationID = integrationID
        self.state = state
        self.attempts = attempts
        self.lastError = lastError
        self.finishedAt = finishedAt
    }
}

/// Events of one severity in one hour.
public struct HourlyCount: Sendable, Equatable {
    /// The hour's start, epoch ms.
    public var hour: Int64
    public var severity: Severity
    public var count: Int
    public init(hour: Int64, severity: Severity, count: Int) {
        self.hour = hour
        self.severity = severity
        self.count = count
    }
}

/// How a poll ended.
public enum PollOutcome: Sendable, Equatable {
    /// Every page was stored and the cursor moved; `added` events were new.
    case success(added: Int)
    /// The poll stopped; the message says why, and the cursor stayed where it was.
    case failure(message: String)
}

/// Which events to list.
public struct EventQuery: Sendable, Equatable {
    public var connector: String?
    public var severity: Severity?
    public var kind: EventKind?
    public var module: Module?
    public var status: String?
    /// Words the event's JSON must contain (title, policy, resource, raw event…), case-insensitively.
    public var text: String?
    public var limit: Int
    public init(
        connector: String? = nil, severity: Severity? = nil, kind: EventKind? = nil, module: Module? = nil, status: String? = nil,
        text: String? = nil, limit: Int = 100
    ) {
        self.connector = connector
        self.severity = severity
        self.kind = kind
        self.module = module
        self.status = status
        self.text = text
        self.limit = limit
    }
}

/// How many events are stored, by severity and by module.
public struct EventSummary: Sendable, Equatable {
    public var total: Int
    public var bySeverity: [Severity: Int]
    public var byModule: [Module: Int]
    public init(total: Int = 0, bySeverity: [Severity: Int] = [:], byModule: [Module: Int] = [:]) {
        self.total = total
        self.bySeverity = bySeverity
        self.byModule = byModule
    }
}

/// One delivery waiting in the outbox.
public struct OutboxEntry: Sendable, Equatable {
    public var eventID: String
    public var integrationID: String
    /// Epoch milliseconds.
    public var createdAt: Int64
    public init(eventID: String, integrationID: String, createdAt: Int64) {
        self.eventID = eventID
        self.integrationID = integrationID
        self.createdAt = createdAt
    }
}

/// An access key of the relay's own API: the id is public, the secret is kept only as a SHA-256 hash.
public struct APIKey: Sendable, Equatable {
    /// What a key may do: `admin` everything; `read-only` read events, statuses and configuration (masked), and
    /// change nothing.
    public enum Role: String, Sendable, CaseIterable {
        case admin
        case readOnly = "read-only"
    }

    public var id: String
    public var name: String
    /// Hex SHA-256 of the secret.
    public var secretHash: String
    public var createdAt: Int64
    public var role: Role
    /// When it was revoked: from then on its secret, its JWTs and its console sessions are refused.
    public var revokedAt: Int64?
    /// When it was last accepted (recorded at most once a minute).
    public var lastUsedAt: Int64?
    public init(
        id: String, name: String, secretHash: String, createdAt: Int64, role: Role = .admin, revokedAt: Int64? = nil,
        lastUsedAt: Int64? = nil
    ) {
        self.id = id
        self.name = name
        self.secretHash = secretHash
        self.createdAt = createdAt
        self.role = role
        self.revokedAt = revokedAt
        self.lastUsedAt = lastUsedAt
    }
}

/// An outbox row ready to send.
public struct QueuedDelivery: Sendable, Equatable {
    public var seq: Int64
    public var event: NormalizedEvent
    /// Attempts made so far.
    public var attempts: Int
    public var createdAt: Int64
    /// The key the destination knew this alert by before keys named their connector (PagerDuty incidents opened
    /// under the bare alert id), or nil: then `AlertKey.of(event)`.
    public var legacyDestinationKey: String?
    public init(seq: Int64, event: NormalizedEvent, attempts: Int, createdAt: Int64, legacyDestinationKey: String? = nil) {
        self.seq = seq
        self.event = event
        self.attempts = attempts
        self.createdAt = createdAt
        self.legacyDestinationKey = legacyDestinationKey
    }
}

/// What became of one delivery attempt.
public enum DeliveryResult: Sendable, Equatable {
    case delivered
    /// Try again at `nextAttemptAt` (epoch ms).
    case retry(nextAttemptAt: Int64, error: String)
    /// Given up: kept as a dead letter with the reason, never silently dropped.
    case dead(reason: String)
    /// Not attempted yet: due again at `until` (epoch ms), attempts unchanged.
    case held(until: Int64)
}

/// What became of one outbox row.
public struct DeliveryRecord: Sendable, Equatable {
    public var seq: Int64
    public var result: DeliveryResult
    public init(seq: Int64, result: DeliveryResult) {
        self.seq = seq
        self.result = result
    }
}

/// A delivery given up on.
public struct DeadLetter: Sendable, Equatable {
    public var seq: Int64
    public var eventID: String
    public var integrationID: String
    public var attempts: Int
    public var reason: String
    public var failedAt: Int64
}
