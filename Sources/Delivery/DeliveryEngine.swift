import Foundation
import Logging
import NIOHTTP1
import RelayHTTP
import RelayModel
import RelayStore
import ServiceLifecycle

/// The one place deliveries happen: per integration, claim the due outbox rows for this worker, hand each to the
/// destination, and record the outcome — delivered; retried later with backoff (honouring `Retry-After`); dead-lettered with
/// the reason once refused for good or past the attempt and age caps; or, when credentials are refused, the
/// integration paused (RED) instead of burning through its queue.
public struct DeliveryEngine: Sendable {
    let store: any RelayStore
    let http: HTTPExchange
    /// The backoff between attempts.
    let retry: RetryPolicy
    /// The operator's attempt and age caps and per-integration concurrency.
    let settings: DeliverySettings
    let clock: @Sendable () -> Int64
    let logger: Logger
    /// The integration types and how each one's destination is built.
    public let registry: DestinationRegistry
    /// What destinations are built from: the environment and the credential chains (AWS, Azure, Google), cached
    /// for the engine's life.
    let context: DestinationContext
    /// Who this engine claims deliveries as: one id per engine (one engine per process), so two processes sharing a
    /// store never send the same row at once.
    public let workerID: String
    /// Sees each row's outcome (`delivered`, `retry`, `dead`, `paused`).
    let observer: Observer
    /// Adds what the enrichment sources know to each event before it is sent.
    let enricher: Enricher

    /// Hooks for metrics.
    public struct Observer: Sendable {
        public var outcome: @Sendable (_ integration: String, _ outcome: String) -> Void
        public init(outcome: @escaping @Sendable (String, String) -> Void = { _, _ in }) {
            self.outcome = outcome
        }
    }

    public init(
        store: any RelayStore, http: HTTPExchange = HTTPExchange(), retry: RetryPolicy = .delivery,
        settings: DeliverySettings = DeliverySettings(), clock: @escaping @Sendable () -> Int64,
        logger: Logger = Logger(label: "prisma-relay.delivery"), registry: DestinationRegistry = .standard,
        observer: Observer = Observer(), environment: [String: String] = ProcessInfo.processInfo.environment,
        workerID: String = "relay-" + UUID().uuidString.lowercased()
    ) {
        let context = DestinationContext(
            environment: environment,
            aws: AWSCredentialChain(environment: AWSEnvironment(variables: environment, http: http, clock: clock)),
            azure: AzureCredential(variables: environment, http: http, clock: clock),
            google: GoogleServiceAccount(variables: environment, http: http, clock: clock), clock: clock,
            integration: { [store] id in try? await store.integration(id: id) }, memory: DestinationMemory())
        self.context = context
        self.enricher = Enricher(
            store: store, http: http, clock: clock, settings: Enricher.Settings(holdBack: settings.enrichmentHoldBackSeconds * 1000),
            build: { integration in registry.kind(of: integration.type)?.enrich?(integration, context) })
        self.settings = settings
        self.registry = registry
        self.workerID = workerID
        self.observer = observer
        self.store = store
        self.http = http
        self.retry = retry
        self.clock = clock
        self.logger = logger
    }

    /// The destination of an integration, or nil while its type cannot be sent to yet.
    public func destination(for integration: Integration) async -> (any Destination)? {
        guard let make = registry.kind(of: integration.type)?.make else { return nil }
        return await make(integration, context)
    }

    /// The enrichment source of an integration, when its type is one.
    public func enrichmentSource(for integration: Integration) -> (any EnrichmentSource)? {
        registry.kind(of: integration.type)?.enrich?(integration, context)
    }

    /// The name people know an integration's type by.
    func displayName(_ integration: Integration) -> String { registry.displayName(of: integration.type) }

    /// Outage-like failures of whole batches in a row after which the destination counts as down.
    static let downAfter = 3

    /// Sends what is due for `integration` now; returns how many rows were settled or rescheduled.
    @discardableResult
    public func deliverDue(_ integration: Integration, limit: Int = 100) async throws -> Int {
        // An enrichment source receives nothing; its status is the enricher's.
        guard integration.enabled, registry.kind(of: integration.type)?.enrich == nil else { return 0 }
        var health = try await store.integrationHealth(id: integration.id, countingQueue: false)
        guard !health.paused else { return 0 }
        // A destination that is down is probed, not hammered: nothing goes out before the next probe.
        if let probeAt = health.probeAt, probeAt > clock() { return 0 }
        guard let destination = await destination(for: integration) else {
            if health.message == nil {
                health.status = .yellow
                health.message =
                    "events wait in the queue: this build does not know the integration type \(integration.type.rawValue)"
                health.lastUpdated = clock()
                try await store.setIntegrationHealth(integrationID: integration.id, health)
            }
            return 0
        }
        // The round's rows are claimed for this worker; whatever it does not record goes back to the queue at the end.
        // A round takes enough rows to fill `concurrency` batches (up to a thousand rows), so batching destinations
        // send in parallel.
        let lease = settings.claimLeaseSeconds * 1000
        let claimedAt = clock()
        // With `maxInFlight`, requests in flight are capped across every process on the store: this worker sends
        // with as many send slots as it holds (leased like its claims), and claims only what they can carry.
        let cap = Self.maxInFlight(integration)
        var slots = max(1, settings.concurrency)
        var rows = max(limit, destination.maxBatch, min(destination.maxBatch * slots, 1_000))
        if let cap {
            slots = try await store.holdSendSlots(
                integrationID: integration.id, owner: workerID, wanted: min(slots, cap), cap: cap, now: claimedAt, until: claimedAt + lease)
            guard slots > 0 else { return 0 }
            rows = destination.maxBatch * slots * 2
        }
        let sending = Sending(integration: integration, slots: slots, cap: cap, lease: lease, rows: rows)
        do {
            let claimed = try await store.claimDeliveries(
                integrationID: integration.id, owner: workerID, now: claimedAt, until: claimedAt + lease, limit: rows,
                readingSubjectFields: await enricher.enriches)
            guard !claimed.isEmpty else {
                try await giveBackSlots(sending)
                return 0
            }
            let (handled, claimsLeft) = try await send(
                claimed, to: destination, as: sending, health: health, claimedUntil: claimedAt + lease)
            // Recording a row ends its claim: only a round that stopped early has claims to give back.
            if claimsLeft { try await store.releaseClaims(integrationID: integration.id, owner: workerID) }
            try await giveBackSlots(sending)
            return handled
        } catch {
            try? await store.releaseClaims(integrationID: integration.id, owner: workerID)
            try? await giveBackSlots(sending)
            throw error
        }
    }

    /// One round's integration and what it may send with: `slots` requests at once, held under `cap` when set.
    struct Sending {
        var integration: Integration
        var slots: Int
        var cap: Int?
        /// Milliseconds a claim (and a send slot) lasts unless renewed.
        var lease: Int64
        /// Rows claimed at a time.
        var rows: Int
    }

    /// How long a round goes on claiming more rows of its integration while it sends, before the delivery loop
    /// turns to the next integration. (Longer in tests that must not depend on a busy machine's speed.)
    var roundTime = Duration.seconds(1)

    /// The integration's cluster-wide cap on requests in flight (`maxInFlight`), when it sets one.
    static func maxInFlight(_ integration: Integration) -> Int? {
        integration.config[IntegrationSchema.maxInFlightKey]?.int64Value.map { max(1, Int($0)) }
    }

    func giveBackSlots(_ sending: Sending) async throws {
        guard let cap = sending.cap else { return }
        let now = clock()
        try await store.holdSendSlots(integrationID: sending.integration.id, owner: workerID, wanted: 0, cap: cap, now: now, until: now)
    }

    /// Sends claimed rows in batches, `sending.slots` at a time, renewing the claims while it goes; returns the rows
    /// handled, and whether the round ends holding claims it did not record (it stopped early, or a claim was
    /// still under way).
    ///
    /// Rows are made ready (enriched, routed, fitted, cut into batches) a chunk at a time, one chunk after another,
    /// while the batches of the chunks before are in flight: the first request goes out after one chunk's
    /// enrichment, not the whole round's. Once no chunk waits to be made ready and no more batches wait to go out
    /// than there are slots, the next rows of the queue are claimed (for up to `roundTime`) while those batches go
    /// out, so the slots do not wait for a claim.
    func send(
        _ claimed: [QueuedDelivery], to destination: any Destination, as sending: Sending, health start: IntegrationHealth,
        claimedUntil: Int64
    ) async throws -> (handled: Int, claimsLeft: Bool) {
        let integration = sending.integration
        var settled = 0
        var health = start
        var claimedUntil = claimedUntil
        let lease = sending.lease
        var handled = 0
        let rules = try await enrichmentRules(for: integration)
        let began = ContinuousClock.now
        let size = max(destination.maxBatch, Self.chunk)
        func cut(_ rows: [QueuedDelivery]) -> [[QueuedDelivery]] {
            stride(from: 0, to: rows.count, by: size).map { Array(rows[$0..<min(rows.count, $0 + size)]) }
        }
        var chunks = cut(claimed)
        var total = claimed.count
        // While down, one batch is the probe.
        let probing = health.downSince != nil
        if probing { chunks = Array(chunks.prefix(1)) }
        // Whether a chunk is being made ready (one at a time), whether a claim of more rows is under way, and whether
        // another may start (not once the queue ran dry).
        var preparing = false
        var claiming = false
        var mayClaim = !probing
        let http = self.http.routed(OutboundRoute(integrationConfig: integration.config))
        // Batches hold different alerts (a later event of an alert is not claimable while an earlier one is pending),
        // so up to `slots` of them are in flight at once, in any order: each slot is refilled as soon as its batch's
        // answer is recorded, and no batch waits for a slower one's answer.
        return try await withThrowingTaskGroup(of: RoundStep.self) { group in
            var batches: [[QueuedDelivery]] = []
            var next = 0
            var nextChunk = 0
            var inFlight: [Int: [QueuedDelivery]] = [:]
            // Rows whose claim ran out before it was renewed: another worker may be sending them, so they are left alone.
            var lost = Set<Int64>()
            // Set once the round must end: what is in flight is still answered and recorded.
            var stopping = false
            // Batches delivered whole while the integration is healthy wait here to be recorded, together, once the
            // recording under way (its own task, so that chunks are made ready and slots refilled meanwhile) is stored:
            // one transaction for the answers that arrived while the last was stored.
            var delivered: [[QueuedDelivery]] = []
            var recording: Task<Int, any Error>?
            // The batches of the recording under way: their rows' claims are renewed with the rest until it is stored.
            var beingRecorded: [[QueuedDelivery]] = []
            func startRecording() {
                guard recording == nil, !delivered.isEmpty else { return }
                let batches = delivered
                delivered = []
                beingRecorded = batches
                let task = Task { try await self.recordDelivered(batches, integration: integration) }
                recording = task
                group.addTask { .recorded(try await task.value) }
            }
            // What was delivered is recorded before the round ends early.
            func finishRecording() async throws {
                if let recording { settled += try await recording.value }
                (recording, beingRecorded) = (nil, [])
                if !delivered.isEmpty { settled += try await self.recordDelivered(delivered, integration: integration) }
                delivered = []
            }
            func claimMore() {
                // Claims keep pace with the requests: only once the last chunk is being made ready (or is ready) and no
                // more batches wait to go out than there are slots. (Waiting until every batch had gone out left the
                // slots idle while the claim and the first chunk after it were made.)
                guard !stopping, mayClaim, !claiming, nextChunk == chunks.count, batches.count - next <= sending.slots,
                    began.duration(to: .now) < roundTime
                else { return }
                claiming = true
                let now = clock()
                group.addTask {
                    .claimed(
                        try await self.store.claimDeliveries(
                            integrationID: integration.id, owner: self.workerID, now: now, until: now + lease, limit: sending.rows,
                            readingSubjectFields: await self.enricher.enriches))
                }
            }
            func prepareNextChunk() {
                guard !stopping, !preparing, nextChunk < chunks.count else { return }
                let chunk = chunks[nextChunk]
                nextChunk += 1
                preparing = true
                group.addTask {
                    let (batches, early) = try await self.prepare(
                        chunk, for: destination, integration: integration, rules: rules, roundBegan: began)
                    return .prepared(batches: batches, early: early)
                }
            }
            prepareNextChunk()
            while true {
                // Batches sent and not yet recorded are at most as many as the slots, as when each answer was recorded
                // before its slot was refilled: a process killed meanwhile sends no more of them again.
                while !stopping, inFlight.count + delivered.count + beingRecorded.count < sending.slots, next < batches.count {
                    // Past half the lease, every row in flight, prepared, still to prepare or still to record is claimed again.
                    if clock() > claimedUntil - lease / 2 {
                        let now = clock()
                        var remaining = inFlight.values.flatMap { $0.map(\.seq) }
                        remaining += batches[next...].flatMap { $0.map(\.seq) }
                        remaining += chunks[max(0, nextChunk - 1)...].flatMap { $0.map(\.seq) }
                        remaining += (beingRecorded + delivered).flatMap { $0.map(\.seq) }
                        let held = try await store.renewClaims(remaining, owner: workerID, now: now, until: now + lease)
                        lost.formUnion(Set(remaining).subtracting(held))
                        claimedUntil = now + lease
                        if let cap = sending.cap {
                            // Slots that lapsed may be another worker's now: with fewer, the round stops and its rows go back.
                            let kept = try await store.holdSendSlots(
                                integrationID: integration.id, owner: workerID, wanted: sending.slots, cap: cap, now: now,
                                until: now + lease)
                            if kept < sending.slots {
                                stopping = true
                                break
                            }
                        }
                    }
                    let index = next
                    var batch: [QueuedDelivery] = []
                    swap(&batch, &batches[index])
                    if !lost.isEmpty { batch.removeAll { lost.contains($0.seq) } }
                    next += 1
                    if probing { stopping = true }
                    guard !batch.isEmpty else { continue }
                    inFlight[index] = batch
                    group.addTask { .sent(index, await destination.deliver(batch, over: http)) }
                }
                guard let step = try await group.next() else { break }
                let index: Int
                let answer: BatchOutcome
                switch step {
                case .prepared(let ready, let early):
                    // The chunk's rows are in its batches (or settled) now.
                    preparing = false
                    chunks[nextChunk - 1] = []
                    if !early.isEmpty {
                        settled += try await store.recordDeliveries(early, integrationID: integration.id, owner: workerID, at: clock())
                        handled += early.count
                    }
                    batches += ready
                    prepareNextChunk()
                    claimMore()
                    continue
                case .claimed(let rows):
                    claiming = false
                    mayClaim = !rows.isEmpty
                    total += rows.count
                    chunks += cut(rows)
                    prepareNextChunk()
                    continue
                case .recorded(let count):
                    recording = nil
                    beingRecorded = []
                    settled += count
                    startRecording()
                    claimMore()
                    continue
                case .sent(let sent, let outcome):
                    index = sent
                    answer = outcome
                }
                guard let batch = inFlight.removeValue(forKey: index) else { continue }
                let outcomes: [DeliveryOutcome]
                switch answer {
                case .all(let outcome): outcomes = Array(repeating: outcome, count: batch.count)
                case .each(let given):
                    // A destination that answers for fewer events than it was sent leaves the others to be retried.
                    outcomes =
                        Array(given.prefix(batch.count))
                        + Array(
                            repeating: .retryLater(reason: "no answer for this event", statusCode: nil, wait: nil),
                            count: max(0, batch.count - given.count))
                }
                if case .credentialsRefused(let reason, let code)? = outcomes.first(where: {
                    if case .credentialsRefused = $0 { true } else { false }
                }) {
                    // Every other row would be refused the same way: stop here, keep the queue, show why.
                    group.cancelAll()
                    try await finishRecording()
                    health = IntegrationHealth(
                        status: .red, paused: true, errorType: "HTTP_EXCEPTION", message: reason, statusCode: code, lastUpdated: clock())
                    try await store.setIntegrationHealth(integrationID: integration.id, health)
                    logger.error("integration paused", metadata: ["integration": .string(integration.name), "reason": .string(reason)])
                    observer.outcome(integration.name, "paused")
                    return (handled, settled < total || claiming)
                }
                handled += batch.count
                if health.status == .green, health.downSince == nil,
                    outcomes.allSatisfy({ if case .delivered = $0 { true } else { false } })
                {
                    // The common case changes no health: it is recorded with the answers that arrive meanwhile.
                    delivered.append(batch)
                    startRecording()
                } else {
                    health = try await record(outcomes, for: batch, integration: integration, health: health, settled: &settled)
                }
                claimMore()
                // The rest of the round waits for the next probe; on shutdown, for the next start.
                if health.downSince != nil || Task.isShuttingDownGracefully || Task.isCancelled { stopping = true }
            }
            return (handled, settled < total)
        }
    }

    /// Rows made ready a chunk at a time: at least this many, or a destination's whole batch.
    static let chunk = 100

    /// What a round's task group yields: a chunk made ready, more rows claimed, or a batch's answer.
    enum RoundStep: Sendable {
        case prepared(batches: [[QueuedDelivery]], early: [DeliveryRecord])
        case claimed([QueuedDelivery])
        case sent(Int, BatchOutcome)
        /// Batches delivered whole were recorded: how many rows.
        case recorded(Int)
    }

    /// A chunk of claimed rows enriched and routed, each event fitted to what the destination accepts, cut into
    /// batches; rows held for their lookups, filtered, or the integration's own news (`echoes`) come back as records
    /// to store at once.
    func prepare(
        _ chunk: [QueuedDelivery], for destination: any Destination, integration: Integration, rules: [AlertRule],
        roundBegan: ContinuousClock.Instant
    ) async throws -> (batches: [[QueuedDelivery]], early: [DeliveryRecord]) {
        let echoes = try await echoes(in: chunk, to: destination, for: integration)
        let echoed = Set(echoes.map(\.seq))
        var (due, routed) = try await enrichAndRoute(
            echoed.isEmpty ? chunk : chunk.filter { !echoed.contains($0.seq) }, for: integration, rules: rules, roundBegan: roundBegan)
        let early = echoes + routed
        for index in due.indices { due[index].event = destination.fitted(due[index].event) }
        var batches: [[QueuedDelivery]] = []
        var start = 0
        for size in destination.split(due) where size > 0 && start < due.count {
            batches.append(Array(due[start..<min(due.count, start + size)]))
            start += size
        }
        return (batches, early)
    }

    /// Stores, in one transaction, that the rows of `batches` were delivered, while the integration is healthy (its
    /// health then stays as it is); returns how many were recorded.
    func recordDelivered(_ batches: [[QueuedDelivery]], integration: Integration) async throws -> Int {
        var records: [DeliveryRecord] = []
        for batch in batches {
            // Rows are read in place: a row is a large value.
            for index in batch.indices {
                observer.outcome(integration.name, "delivered")
                records.append(DeliveryRecord(seq: batch[index].seq, result: .delivered, enrichment: batch[index].keptEnrichment))
            }
        }
        return try await store(records, integration: integration, at: clock())
    }

    /// Stores outcomes in one transaction; returns how many were recorded (a row whose claim ran out is not).
    func store(_ records: [DeliveryRecord], integration: Integration, at now: Int64) async throws -> Int {
        let recorded = try await store.recordDeliveries(records, integrationID: integration.id, owner: workerID, at: now)
        if recorded < records.count {
            logger.warning(
                "deliveries sent after their claim ran out were not recorded; they go out again",
                metadata: ["integration": .string(integration.name), "unrecorded": .stringConvertible(records.count - recorded)])
        }
        return recorded
    }

    /// Stores a batch's outcomes in one transaction and returns the integration's health after them: down (and when
    /// to probe next) after an outage-like failure of the whole batch, back to GREEN — with the waiting rows made
    /// due at once — when it answers again.
    func record(
        _ outcomes: [DeliveryOutcome], for batch: [QueuedDelivery], integration: Integration, health: IntegrationHealth,
        settled: inout Int
    ) async throws -> IntegrationHealth {
        let now = clock()
        var records: [DeliveryRecord] = []
        var retrying: IntegrationHealth?
        var delivered = false
        var outage = !outcomes.isEmpty
        var random = SystemRandomNumberGenerator()
        // Rows are read in place: a row is a large value.
        for (index, outcome) in zip(batch.indices, outcomes) {
            let seq = batch[index].seq
            if case .retryLater(_, let code, _) = outcome, RetryPolicy.isOutage(status: code) {} else { outage = false }
            switch outcome {
            case .delivered:
                observer.outcome(integration.name, "delivered")
                delivered = true
                records.append(DeliveryRecord(seq: seq, result: .delivered, enrichment: batch[index].keptEnrichment))
            case .retryLater(let reason, let code, let wait):
                let attempts = batch[index].attempts + 1
                let tooOld = now - batch[index].createdAt >= settings.maxAgeSeconds * 1000
                // Outages are waited out until the age cap; answers that may be about this very event, to the attempt cap.
                let tooMany = attempts >= settings.maxAttempts && !RetryPolicy.isOutage(status: code)
                if tooMany || tooOld {
                    observer.outcome(integration.name, "dead")
                    let cap = tooOld ? " (older than the \(settings.maxAgeSeconds / 60) minute age cap)" : ""
                    records.append(
                        DeliveryRecord(seq: seq, result: .dead(reason: "gave up after \(attempts) attempts\(cap): \(reason)")))
                } else {
                    observer.outcome(integration.name, "retry")
                    let delay = retry.delay(retry: attempts, floor: wait, using: &random)
                    records.append(
                        DeliveryRecord(seq: seq, result: .retry(nextAttemptAt: now + delay.wholeMilliseconds, error: reason)))
                }
                retrying = IntegrationHealth(
                    status: .yellow, errorType: "HTTP_EXCEPTION", message: reason, statusCode: code, lastUpdated: now)
            case .rejected(let reason, _):
                observer.outcome(integration.name, "dead")
                records.append(DeliveryRecord(seq: seq, result: .dead(reason: reason)))
            case .held(let until):
                records.append(DeliveryRecord(seq: seq, result: .held(until: until)))
            case .credentialsRefused:
                break
            }
        }
        settled += try await store(records, integration: integration, at: now)
        if outage, var down = retrying {
            down.failureStreak = health.failureStreak + 1
            guard down.failureStreak >= Self.downAfter else {
                try await store.setIntegrationHealth(integrationID: integration.id, down)
                return down
            }
            down.downSince = health.downSince ?? now
            let wait = outcomes.compactMap { if case .retryLater(_, _, let wait) = $0 { wait } else { nil } }.max()
            down.probeAt = now + retry.delay(retry: down.failureStreak, floor: wait, using: &random).wholeMilliseconds
            down.message =
                "\(displayName(integration)) is down since \(Timestamp.rfc3339(epochMilliseconds: down.downSince!)) "
                + "(\(down.failureStreak) failed attempts in a row; next try at "
                + "\(Timestamp.rfc3339(epochMilliseconds: down.probeAt!))): \(down.message ?? "")"
            try await store.setIntegrationHealth(integrationID: integration.id, down)
            if health.downSince == nil {
                logger.warning(
                    "destination down", metadata: ["integration": .string(integration.name), "reason": .string(down.message ?? "")])
            }
            return down
        }
        if health.downSince != nil {
            // It answered: what waited through the outage goes out now, in order.
            try await store.resumeDeliveries(integrationID: integration.id, at: now)
            logger.notice("destination back", metadata: ["integration": .string(integration.name)])
        }
        if let retrying {
            try await store.setIntegrationHealth(integrationID: integration.id, retrying)
            return retrying
        }
        if delivered, health.status != .green || health.downSince != nil {
            let healthy = IntegrationHealth(status: .green, lastUpdated: now)
            try await store.setIntegrationHealth(integrationID: integration.id, healthy)
            return healthy
        }
        return health
    }
}
