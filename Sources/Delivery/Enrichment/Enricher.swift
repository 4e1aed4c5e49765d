import Foundation
import Logging
import NIOCore
import RelayHTTP
import RelayModel
import RelayStore

/// Finds what the enrichment sources (the enabled `okta`, `qualys` and `tenable` integrations) know of the events a
/// delivery round is about to send, which the engine adds under `enrichment.<type>`. Events are stored long before
/// this, so enrichment never loses one; it only holds an event back while its lookups are unanswered, at most the
/// hold-back (30 s by default) after the event was queued, and then lets it go with `enrichment.<type>.error` saying
/// why.
///
/// Each source's answers are cached (`EnrichmentCache`), a round looks each key up once however many events name
/// it, lookups of one source run a few at a time, and a source that failed is not asked again until its failure
/// expires (or its rate limit resets). Each source's health (GREEN, YELLOW rate limited, RED with the reason) is
/// its integration's status.
public actor Enricher {
    public struct Settings: Sendable {
        /// Milliseconds an event may wait for its lookups after it was queued.
        public var holdBack: Int64
        /// Milliseconds an answer is kept.
        public var ttl: Int64 = 15 * 60_000
        /// Answers kept per source.
        public var capacity = 10_000
        /// Milliseconds a failure is kept before the source is asked again.
        public var failureTTL: Int64 = 5_000
        /// How long a round waits for the lookups it started.
        public var roundWait: Duration = .seconds(2)
        /// Lookups of one source in flight at once.
        public var concurrency = 8

        public init(holdBack: Int64 = 30_000) { self.holdBack = holdBack }
    }

    struct Active {
        var integration: Integration
        var source: any EnrichmentSource
        var cache: EnrichmentCache
        var pending: Set<EnrichmentKey> = []
        /// The last lookup's failure, or nil after a success.
        var failure: EnrichmentFailure?
        /// The status last written to the store.
        var written: IntegrationHealth.Status?
    }

    let store: any RelayStore
    let http: HTTPExchange
    let clock: @Sendable () -> Int64
    let logger: Logger
    let settings: Settings
    /// Builds the source of an integration, or nil when its type is not one.
    let build: @Sendable (Integration) -> (any EnrichmentSource)?
    var active: [String: Active] = [:]
    var loadedAt: Int64?
    /// The enrichment built for each set of people and hosts (and problems met), serialized once: events that name
    /// the same ones share it, until the first answer it was built from expires. (An answer is asked for again only
    /// once it has expired or the cache dropped it: a new answer never changes what is still in time, and a drop
    /// empties this.)
    var built: [Signature: Timed<Carried>] = [:]
    /// What events whose fields naming people and hosts (`NormalizedEvent.subjectFields`) are these were sent with
    /// (nil: nothing), once every lookup had its answer, until the first of those answers expires; emptied with `built`.
    var settled: [Named: Timed<Carried?>] = [:]

    public init(
        store: any RelayStore, http: HTTPExchange, clock: @escaping @Sendable () -> Int64, settings: Settings,
        logger: Logger = Logger(label: "prisma-relay.enrichment"), build: @escaping @Sendable (Integration) -> (any EnrichmentSource)?
    ) {
        self.store = store
        var lookups = http
        // A lookup that hangs must not outlast the hold-back by much.
        lookups.timeout = .seconds(20)
        self.http = lookups
        self.clock = clock
        self.settings = settings
        self.logger = logger
        self.build = build
    }

    /// An event's `NormalizedEvent.subjectFields` as compact JSON text: events whose texts are equal name the same
    /// people and hosts. (Read with a stored event, the text is there to copy; hashed in one pass over its bytes.)
    struct Named: Hashable {
        let text: [UInt8]
        init(_ fields: JSONValue) { text = fields.jsonBytes() }
        func hash(into hasher: inout Hasher) { text.withUnsafeBytes { hasher.combine(bytes: $0) } }
        static func == (left: Named, right: Named) -> Bool {
            left.text.withUnsafeBytes { a in
                right.text.withUnsafeBytes { b in
                    a.count == b.count && (a.count == 0 || memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0)
                }
            }
        }
    }

    /// An enrichment as events carry it: the object, keeping its text, and that text under its digest for the store.
    typealias Carried = (object: JSONObject, kept: KeptEnrichment)

    /// A value good until the first answer it was made from expires.
    struct Timed<Value> {
        var value: Value
        var until: Int64
    }

    /// What an event's enrichment is built from: the keys it names and, per type, the problems met.
    struct Signature: Hashable {
        var keys: [EnrichmentKey] = []
        var types: [String] = []
        var problems: [[String]] = []
    }

    /// What becomes of a row: sent with an enrichment (nil: none), or held while its lookups are unanswered.
    enum Outcome {
        case send(Carried?)
        case held(until: Int64)
    }

    /// What becomes of each of `rows`, in their order, or nil when no source is on. (The rows are read in place: the
    /// caller, which fits them to the destination anyway, adds the enrichment as it does.) A round that prepares its
    /// rows in chunks passes when it began: its lookups are waited for `roundWait` in all, not in every chunk.
    func prepare(_ rows: [QueuedDelivery], roundBegan: ContinuousClock.Instant = .now) async throws -> [Outcome]? {
        try await refresh()
        guard !active.isEmpty, !rows.isEmpty else { return nil }
        // Rows whose fields naming people and hosts are those of a row whose answers were all in, and are still in time,
        // go out as it went, with nothing more read or looked up.
        let fields = rows.indices.map { NormalizedEvent.subjectFields(of: rows[$0].event.rawEvent) }
        let named = fields.map(Named.init)
        let now = clock()
        let earlier = named.map { settled[$0].flatMap { $0.until > now ? .some($0.value) : nil } }
        let subjects = fields.indices.map { earlier[$0] == nil ? EnrichmentSubjects(named: fields[$0]) : EnrichmentSubjects() }
        let ids = active.keys.sorted()
        var keys: [String: [[EnrichmentKey]]] = [:]
        var lookups: [Task<Void, Never>] = []
        for id in ids {
            guard let source = active[id] else { continue }
            let perRow = subjects.indices.map { earlier[$0] != nil || subjects[$0].isEmpty ? [] : source.source.keys(for: subjects[$0]) }
            keys[id] = perRow
            var seen = Set<EnrichmentKey>()
            let missing = perRow.joined().filter {
                seen.insert($0).inserted && source.cache.entry($0, now: now) == nil && !source.pending.contains($0)
            }
            if !missing.isEmpty { lookups.append(startLookups(missing, of: id)) }
        }
        await Self.wait(for: lookups, atMost: max(.zero, roundBegan + settings.roundWait - .now))
        let later = clock()
        // The sources of each type, in a stable order.
        let byType = Dictionary(grouping: ids.compactMap { id in active[id].map { (id, $0) } }, by: { $0.1.integration.type.rawValue })
            .sorted { $0.key < $1.key }
        var outcomes: [Outcome] = []
        outcomes.reserveCapacity(rows.count)
        // Rows are read in place, never copied: a row is a large value.
        for index in rows.indices {
            if let went = earlier[index] {
                outcomes.append(.send(went))
                continue
            }
            var holdUntil: Int64?
            var answered = true
            // When the first of the answers used expires.
            var until = Int64.max
            var pieces: [(type: String, source: any EnrichmentSource, found: [JSONValue], problems: [String])] = []
            var signature = Signature()
            for (type, sources) in byType {
                var found: [JSONValue] = []
                var problems: [String] = []
                var asked = false
                var waiting = false
                for (id, source) in sources {
                    for key in keys[id]?[index] ?? [] {
                        asked = true
                        signature.keys.append(key)
                        let held = source.cache.held(key, now: later)
                        until = min(until, held?.expires ?? .max)
                        switch held?.entry {
                        case .found(let value?): found.append(value)
                        case .found(nil): break
                        case .failed(let failure):
                            problems.append("\(source.integration.name): \(failure.reason)")
                            waiting = true
                        case nil:
                            problems.append("\(source.integration.name) did not answer within \(settings.holdBack / 1000) s")
                            waiting = true
                        }
                    }
                }
                guard asked else { continue }
                if waiting { answered = false }
                let createdAt = rows[index].createdAt
                if waiting, later - createdAt < settings.holdBack {
                    holdUntil = min(holdUntil ?? .max, min(createdAt + settings.holdBack, later + 2_000))
                    continue
                }
                signature.types.append(type)
                signature.problems.append(problems)
                pieces.append((type, sources[0].1.source, found, problems))
            }
            if let until = holdUntil {
                outcomes.append(.held(until: until))
                continue
            }
            guard !pieces.isEmpty else {
                if answered { remember(nil, for: named[index], until: until) }
                outcomes.append(.send(nil))
                continue
            }
            // Claimed events carry no enrichment yet: what is built here is all of it.
            let enrichment: Carried
            if let shared = built[signature], shared.until > later {
                enrichment = shared.value
            } else {
                var object = JSONObject()
                for piece in pieces {
                    var section = piece.source.section(piece.found)
                    if !piece.problems.isEmpty {
                        section["error"] = .string(Array(Set(piece.problems)).sorted().joined(separator: "; "))
                    }
                    object[piece.type] = .object(section)
                }
                enrichment = KeptEnrichment.keeping(object)
                if built.count >= settings.capacity { built = [:] }
                built[signature] = Timed(value: enrichment, until: until)
            }
            if answered { remember(enrichment, for: named[index], until: until) }
            outcomes.append(.send(enrichment))
        }
        try await writeHealth()
        return outcomes
    }

    /// Keeps what an event whose subject fields are `named` went out with, for the next ones until `until`.
    func remember(_ enrichment: Carried?, for named: Named, until: Int64) {
        if settled.count >= settings.capacity { settled = [:] }
        settled[named] = Timed(value: enrichment, until: until)
    }

    /// Waits for `tasks`, at most `limit`; the lookups go on filling the cache after.
    static func wait(for tasks: [Task<Void, Never>], atMost limit: Duration) async {
        guard !tasks.isEmpty else { return }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for task in tasks { await task.value }
            }
            group.addTask { try? await Task.sleep(for: limit) }
            await group.next()
            group.cancelAll()
        }
    }

    /// Looks `keys` up in a task of their own, a few at a time; each answer goes to the cache as it comes.
    func startLookups(_ keys: [EnrichmentKey], of id: String) -> Task<Void, Never> {
        guard let active = active[id] else { return Task {} }
        let source = active.source
        self.active[id]?.pending.formUnion(keys)
        let width = settings.concurrency
        let http = self.http.routed(OutboundRoute(integrationConfig: active.integration.config))
        return Task {
            await withTaskGroup(of: Void.self) { group in
                var next = 0
                func add() {
                    guard next < keys.count else { return }
                    let key = keys[next]
                    next += 1
                    group.addTask {
                        do {
                            let value = try await source.lookup(key, over: http)
                            await self.record(.found(value), for: key, of: id)
                        } catch let failure as EnrichmentFailure {
                            await self.record(.failed(failure), for: key, of: id)
                        } catch {
                            await self.record(.failed(EnrichmentFailure(.unavailable, "\(error)")), for: key, of: id)
                        }
                    }
                }
                for _ in 0..<width { add() }
                while await group.next() != nil { add() }
            }
        }
    }

    func record(_ entry: EnrichmentCache.Entry, for key: EnrichmentKey, of id: String) {
        guard active[id] != nil else { return }
        let now = clock()
        active[id]?.pending.remove(key)
        let dropped: Bool?
        switch entry {
        case .found:
            dropped = active[id]?.cache.store(entry, for: key, until: now + settings.ttl)
            active[id]?.failure = nil
        case .failed(let failure):
            dropped = active[id]?.cache.store(entry, for: key, until: max(now + settings.failureTTL, failure.retryAt ?? 0))
            active[id]?.failure = failure
        }
        // What was built from answers still in time stays true, unless the cache dropped some before their time.
        if dropped == true { (built, settled) = ([:], [:]) }
    }

    /// Each source's status, written when it changes.
    func writeHealth() async throws {
        for (id, source) in active {
            let status: IntegrationHealth.Status
            switch source.failure?.kind {
            case nil: status = .green
            case .rateLimited: status = .yellow
            case .unavailable, .refused: status = .red
            }
            guard status != source.written else { continue }
            let health = IntegrationHealth(
                status: status, errorType: source.failure.map { _ in "HTTP_EXCEPTION" }, message: source.failure?.reason,
                statusCode: source.failure?.statusCode, lastUpdated: clock())
            try await store.setIntegrationHealth(integrationID: id, health)
            active[id]?.written = status
            if let failure = source.failure {
                logger.warning(
                    "enrichment source failing",
                    metadata: ["integration": .string(source.integration.name), "reason": .string(failure.reason)])
            } else if source.written != nil {
                logger.notice("enrichment source back", metadata: ["integration": .string(source.integration.name)])
            }
        }
    }

    /// Whether any source is on: events claimed for delivery then have what they name read as they are read back.
    public var enriches: Bool { !active.isEmpty }

    /// The enabled sources, read from the store at most every 5 s; a source whose configuration changed starts afresh.
    func refresh() async throws {
        let now = clock()
        if let loadedAt, now - loadedAt < 5_000, loadedAt <= now { return }
        loadedAt = now
        var next: [String: Active] = [:]
        var changed = false
        for integration in try await store.integrations() where integration.enabled {
            if let current = active[integration.id], current.integration.config == integration.config {
                next[integration.id] = current
            } else if let source = build(integration) {
                next[integration.id] = Active(integration: integration, source: source, cache: EnrichmentCache(capacity: settings.capacity))
                changed = true
            }
        }
        // What was built stays while the sources do.
        if changed || next.count != active.count { (built, settled) = ([:], [:]) }
        active = next
    }
}
