import Crypto
import RelayModel

/// The relay's durable state: connectors with their encrypted secrets, each connector's cursor and status, and
/// the deduplicated events. SQLite is the embedded implementation; every implementation passes the same tests.
public protocol RelayStore: Sendable {
    /// Where the store is, as safe to show (never a password).
    var location: String { get }
    /// A key for another purpose (signing the API's tokens), derived from the key that seals secrets, so every
    /// process sharing the store agrees on it.
    func derivedKey(purpose: String) -> SymmetricKey
    /// Re-seals every stored secret under a new master key and makes it the key in use; returns how many.
    func rotateMasterKey() async throws -> Int
    /// Applies the schema migrations the database lacks; returns the ones applied now (none when it is current).
    func migrate() async throws -> [String]
    /// Throws, saying why in words, unless the database answers and its schema is the one this build needs.
    func readiness() async throws

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

    /// Rings whenever this store queues deliveries (a commit that routed events, a rule's backfill, dead letters sent again), so the
    /// delivery loop of this process need not wait for its tick.
    var queued: WorkSignal { get }

    /// Stores `events`, absorbing any already stored (same connector, kind, native id and version), queues each new
    /// one for the integrations the enabled rules route it to, and — when `cursor` is given — moves the connector's
    /// cursor to it, all in one transaction. Returns how many were new. With a `lease`, the commit is refused
    /// (`StoreError.leaseLost`) unless that lease's token is still the connector's current one: a worker that lost
    /// the lease cannot move the cursor or add what another worker now collects.
    func commit(events: [NormalizedEvent], connector: String, cursor: Int64?, lease: ConnectorLease?) async throws -> Int
    /// Keeps findings that could not be normalized, once each (the same finding seen again is not added twice).
    func recordRejected(_ findings: [RejectedFinding]) async throws
    /// Rejected findings, newest first.
    func rejectedFindings(connector: String?) async throws -> [RejectedFinding]
    /// Records a finished poll: the connector's status (its error, or success with the events it added) and its
    /// history, which keeps a week and a day of polls and always the last `PollRecord.keptAtLeast`.
    func recordPoll(_ record: PollRecord) async throws
    /// Keeps an action taken on a finding in Prisma Cloud (URLs in its detail redacted); returns it with its id.
    func recordAction(_ record: ActionRecord) async throws -> ActionRecord
    /// The actions taken on a finding (connector and native id), newest first.
    func actions(connector: String, nativeID: String) async throws -> [ActionRecord]
    /// A connector's last polls, newest first.
    func polls(connector: String, limit: Int) async throws -> [PollRecord]
    /// A connector's polls that ended since `since` (epoch ms), counted by hour and outcome.
    func pollHours(connector: String, since: Int64) async throws -> [PollHour]
    /// The connector's status, counts and cursor.
    func state(of connector: String) async throws -> ConnectorState
    /// What a connector's poll in progress waits for, or nil once it no longer waits.
    func noteWaiting(connector: String, _ note: String?) async throws

    /// Applies `changes` in one transaction, in order: all of them, or — when one is refused, with the error the single
    /// operation would give — none.
    func applyConfiguration(_ changes: [ConfigurationChange]) async throws

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

    /// Every outbox row, delivered, pending and dead alike: one per (event, integration) the rules routed, oldest first.
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

    /// Claims for `owner`, until `until` (epoch ms), up to `limit` deliveries of `integrationID` due at `now`, oldest
    /// first. A row another worker holds a live claim on is not claimable; an expired claim is. A later event of an
    /// alert is not claimable while an earlier one is pending (claimed or not), so a resolve never overtakes its
    /// trigger, whichever workers send them. Two workers claiming at once never get the same row. With
    /// `readingSubjectFields` (enrichment is on), each event's raw event has what names people and hosts read at once.
    func claimDeliveries(
        integrationID: String, owner: String, now: Int64, until: Int64, limit: Int, readingSubjectFields: Bool
    ) async throws -> [QueuedDelivery]
    /// Extends `owner`'s live claims on `seqs` to `until`; returns the rows it still holds (an expired claim is not
    /// renewed: another worker may have the row).
    func renewClaims(_ seqs: [Int64], owner: String, now: Int64, until: Int64) async throws -> Set<Int64>
    /// Records what became of claimed deliveries, in one transaction, and ends their claims. Only rows `owner` holds
    /// a live claim on are recorded; the others are left as they are. Returns how many were recorded.
    @discardableResult
    func recordDeliveries(_ records: [DeliveryRecord], integrationID: String, owner: String, at time: Int64) async throws -> Int
    /// Returns the rows `owner` claimed on an integration and did not record to the queue, due as they were.
    func releaseClaims(integrationID: String, owner: String) async throws

    /// Takes or renews the lease on polling `connector` for `owner`, until `until`: granted when no other owner
    /// holds a live lease. A new holder gets a larger fencing token than any before it; the holder's renewal keeps
    /// its token (also after a lapse no other owner used). Nil when another owner holds it. Two-way sync's turn is
    /// such a lease too (`ConnectorLease.twoWaySync`): `replicas(now:)` shows it as the holder's `twoWaySync`, not a connector.
    func acquireConnectorLease(_ connector: String, owner: String, now: Int64, until: Int64) async throws -> ConnectorLease?
    /// Gives a lease up early (a poll that finished), so another worker need not wait for it to run out.
    func releaseConnectorLease(_ lease: ConnectorLease) async throws
    /// Records a replica's heartbeat (or, with `stoppedAt`, its goodbye), and forgets replicas silent for a day.
    func recordHeartbeat(_ replica: Replica) async throws
    /// The replicas that beat in the last day, most recent heartbeat first, each with the connector leases live at
    /// `now` and the delivery claims it holds.
    func replicas(now: Int64) async throws -> [Replica]
    /// Holds for `owner`, until `until`, up to `wanted` of an integration's `cap` send slots — requests it may have in
    /// flight — counting the slots other owners hold live at `now`. `owner`'s earlier holding is replaced: renewed,
    /// or given back with `wanted` 0. Returns how many it holds now, 0 when others hold them all. A killed owner's
    /// slots return when their `until` passes. However many processes share the store, live holdings never add up
    /// to more than `cap`.
    @discardableResult
    func holdSendSlots(integrationID: String, owner: String, wanted: Int, cap: Int, now: Int64, until: Int64) async throws -> Int
    /// Takes one request from `budget` — a token bucket of `burst` requests refilled at `perSecond`, kept under its
    /// `key` and shared by every process on the store — and returns the milliseconds to wait before sending it: 0
    /// while the bucket holds a request, else the time until its turn. A request waited for is taken at once, so
    /// callers asking together are spaced out rather than sent together.
    func takeRequestBudget(_ budget: RateBudget, now: Int64) async throws -> Int64
    /// Sets an integration's status (and whether it is paused).
    func setIntegrationHealth(integrationID: String, _ health: IntegrationHealth) async throws
    /// An integration's status with its counts and, with `countingQueue`, its queue: depth, oldest waiting row and
    /// dead letters (a dead letter turns GREEN to YELLOW). Counting passes over every waiting row, so the delivery
    /// rounds, which need only the stored status, leave it out (the queue's figures are then 0).
    func integrationHealth(id: String, countingQueue: Bool) async throws -> IntegrationHealth
    /// Makes every waiting row of an integration due at `time`: its destination is back after an outage, so the
    /// backoff its rows gathered meanwhile no longer applies.
    func resumeDeliveries(integrationID: String, at time: Int64) async throws
    /// An integration's deliveries by the hour since `since` (epoch ms): delivered, retried and given up, with the
    /// delivered ones' latency from queued to acknowledged. Kept a week and a day.
    func deliveryHours(integrationID: String, since: Int64) async throws -> [DeliveryHour]
    /// An integration's last failed attempts, newest first, with the destination's answer.
    func deliveryFailures(integrationID: String, limit: Int) async throws -> [DeliveryFailure]
    /// Deliveries given up on, newest first.
    func deadLetters(integrationID: String?) async throws -> [DeadLetter]
    /// Queues dead letters of an integration again (one, or all when `seq` is nil); returns how many.
    func retryDeadLetters(integrationID: String, seq: Int64?) async throws -> Int
    /// Discards one dead letter: it stays on record as discarded and is never sent.
    func discardDeadLetter(integrationID: String, seq: Int64) async throws -> Bool

    /// Stores a console session (a new one, or its new state), its id kept only as a hash and its draft secrets sealed.
    func saveConsoleSession(_ session: ConsoleSession) async throws
    /// The stored session with this id (live or not), or nil.
    func consoleSession(id: String) async throws -> ConsoleSession?
    /// Ends one session.
    func removeConsoleSession(id: String) async throws
    /// Ends every session of an API key (it was revoked), and every session that lapsed before `expiredBefore`.
    func removeConsoleSessions(keyID: String?, expiredBefore: Int64) async throws

    /// A page of stored events, newest first (by when Prisma last changed them, then by the order they were stored).
    func eventPage(_ query: EventQuery) async throws -> EventPage
    /// How many stored events the query's filters match (its cursor and limit aside).
    func countEvents(_ query: EventQuery) async throws -> Int
    /// Event counts by severity and module.
    func eventSummary(connector: String?) async throws -> EventSummary
    /// One stored event by its id, or nil.
    func event(id: String) async throws -> NormalizedEvent?
    /// What became of each event at each integration the rules sent it to, by event id (one query for a page).
    func deliveries(eventIDs: [String]) async throws -> [String: [DeliveryState]]
    /// Events per hour (by when Prisma last changed them) and severity since `since` (epoch ms), of one connector or
    /// of all.
    func hourlyCounts(since: Int64, connector: String?) async throws -> [HourlyCount]

    /// Queues `rows` — a rule catching up on events stored before it — in one transaction, except rows already
    /// queued and rows of an alert that already has a row for the same integration (so that an alert's events never
    /// go out of order); returns how many were queued, or with `apply: false` how many would be.
    func queueBackfill(_ rows: [OutboxRow], apply: Bool) async throws -> Int
}

extension RelayStore {
    /// Stored events, newest first: the first page of `query`.
    public func events(_ query: EventQuery) async throws -> [NormalizedEvent] {
        try await eventPage(query).events
    }

    /// An integration's status with its counts and its queue.
    public func integrationHealth(id: String) async throws -> IntegrationHealth {
        try await integrationHealth(id: id, countingQueue: true)
    }

    /// Claims deliveries without reading what their events name ahead (no enrichment).
    public func claimDeliveries(integrationID: String, owner: String, now: Int64, until: Int64, limit: Int) async throws -> [QueuedDelivery]
    {
        try await claimDeliveries(
            integrationID: integrationID, owner: owner, now: now, until: until, limit: limit, readingSubjectFields: false)
    }

    /// Commits without a lease (tests, tools and single-shot imports that poll nothing).
    public func commit(events: [NormalizedEvent], connector: String, cursor: Int64?) async throws -> Int {
        try await commit(events: events, connector: connector, cursor: cursor, lease: nil)
    }
}
