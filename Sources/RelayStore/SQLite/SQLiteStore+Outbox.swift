import GRDB
import RelayModel
import Synchronization

extension SQLiteStore {
    public func queueBackfill(_ rows: [OutboxRow], apply: Bool) async throws -> Int {
        guard !rows.isEmpty else { return 0 }
        @Sendable func queued(_ db: Database) throws -> Set<OutboxRow.Slot> {
            let known = try db.cachedStatement(sql: "SELECT 1 FROM outbox WHERE integration_id = ? AND alert_key = ? LIMIT 1")
            return try Set(Set(rows.map(\.slot)).filter { try Int.fetchOne(known, arguments: [$0.integrationID, $0.alertKey]) != nil })
        }
        guard apply else { return try await pool.read { db in AlertRouter.backfill(rows, skipping: try queued(db)).count } }
        let count = try await pool.write { db in
            let kept = AlertRouter.backfill(rows, skipping: try queued(db))
            let insert = try db.cachedStatement(
                sql:
                    "INSERT OR IGNORE INTO outbox (event_id, integration_id, alert_key, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?)"
            )
            for row in kept { try insert.execute(arguments: [row.eventID, row.integrationID, row.alertKey, row.queuedAt, row.queuedAt]) }
            return kept.count
        }
        if count > 0 { self.queued.ring() }
        return count
    }

    public func claimDeliveries(
        integrationID: String, owner: String, now: Int64, until: Int64, limit: Int, readingSubjectFields: Bool
    ) async throws -> [QueuedDelivery] {
        // The rows are read in the write transaction; their events are parsed after it, so the writer is held for
        // the SQL alone.
        let rows = try await pool.write { db in
            // One write transaction: SQLite has one writer at a time, so two claims never take the same row. The
            // queue is read in order from its head (`outbox_queue`) and the read stops at `limit`, however long it is.
            // Every statement here is prepared once per connection: a list of rows goes in as one JSON array.
            let seqs = try Int64.fetchAll(
                db.cachedStatement(
                    sql: """
                        UPDATE outbox SET claimed_by = ?, claim_until = ?
                        WHERE seq IN (
                            SELECT o.seq FROM outbox o INDEXED BY outbox_queue
                            WHERE o.integration_id = ? AND o.state = 'pending' AND o.next_attempt_at <= ?
                              AND (o.claim_until IS NULL OR o.claim_until <= ?)
                              AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.integration_id = o.integration_id AND p.alert_key = o.alert_key
                                              AND p.state = 'pending' AND p.seq < o.seq)
                            ORDER BY o.seq LIMIT ?)
                        RETURNING seq
                        """), arguments: [owner, until, integrationID, now, now, limit])
            guard !seqs.isEmpty else { return [ClaimedRow]() }
            return try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT o.seq, o.attempts, o.created_at, e.body, l.destination_key FROM outbox o JOIN event e ON e.id = o.event_id
                        LEFT JOIN legacy_destination_key l ON l.integration_id = o.integration_id AND l.alert_key = o.alert_key
                        WHERE o.seq IN (SELECT value FROM json_each(?)) ORDER BY o.seq
                        """), arguments: [Self.jsonList(seqs)]
            ).map { row in
                ClaimedRow(
                    seq: row["seq"], attempts: row["attempts"], createdAt: row["created_at"], body: row["body"],
                    destinationKey: row["destination_key"])
            }
        }
        return try rows.map { row in
            guard let event = try? NormalizedEvent(storedJSON: row.body.utf8, readingSubjectFields: readingSubjectFields) else {
                throw StoreError.corrupt("outbox event")
            }
            return QueuedDelivery(
                seq: row.seq, event: event, attempts: row.attempts, createdAt: row.createdAt, legacyDestinationKey: row.destinationKey)
        }
    }

    /// A claimed row as read in the claim's transaction, its event still text.
    struct ClaimedRow: Sendable {
        var seq: Int64
        var attempts: Int
        var createdAt: Int64
        var body: String
        var destinationKey: String?
    }

    public func renewClaims(_ seqs: [Int64], owner: String, now: Int64, until: Int64) async throws -> Set<Int64> {
        guard !seqs.isEmpty else { return [] }
        return try await pool.write { db in
            Set(
                try Int64.fetchAll(
                    db.cachedStatement(
                        sql: """
                            UPDATE outbox SET claim_until = ?
                            WHERE seq IN (SELECT value FROM json_each(?)) AND claimed_by = ? AND claim_until > ? AND state = 'pending'
                            RETURNING seq
                            """), arguments: [until, Self.jsonList(seqs), owner, now]))
        }
    }

    public func releaseClaims(integrationID: String, owner: String) async throws {
        try await pool.write { db in
            try db.execute(
                sql:
                    """
                        UPDATE outbox SET claimed_by = NULL, claim_until = NULL
                        WHERE integration_id = ? AND claimed_by = ? AND state = 'pending'
                    """,
                arguments: [integrationID, owner])
        }
    }

    @discardableResult
    public func recordDeliveries(_ records: [DeliveryRecord], integrationID: String, owner: String, at time: Int64) async throws -> Int {
        guard !records.isEmpty else { return 0 }
        let known = storedEnrichments.withLock { $0 }
        let (count, kept) = try await pool.write { db in
            let state = try db.cachedStatement(sql: "INSERT OR IGNORE INTO integration_state (integration_id) VALUES (?)")
            try state.execute(arguments: [integrationID])
            var failed = 0
            var recorded = 0
            // Only the holder of a live claim records a row's outcome; the claim ends with it. The statements are
            // prepared once per connection, not once per row or batch.
            let held = "claimed_by = NULL, claim_until = NULL WHERE seq = ? AND claimed_by = ? AND claim_until >= ? AND state = 'pending'"
            let retry = try db.cachedStatement(
                sql: "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ?, \(held)")
            let hold = try db.cachedStatement(sql: "UPDATE outbox SET next_attempt_at = ?, \(held)")
            let bury = try db.cachedStatement(
                sql: "UPDATE outbox SET state = 'dead', attempts = attempts + 1, finished_at = ?, last_error = ?, \(held)")
            let filter = try db.cachedStatement(sql: "UPDATE outbox SET state = 'filtered', finished_at = ?, last_error = ?, \(held)")
            // The rows delivered (a batch's are usually all of them) are recorded by one statement. Rows that went out
            // with enrichment are recorded with its digest (`{"seq": digest or null, …}`, read by `json_each` with no
            // second parse), and each distinct enrichment not stored yet is stored.
            let deliver = try db.cachedStatement(
                sql: """
                    UPDATE outbox SET state = 'delivered', attempts = attempts + 1, finished_at = ?, last_error = NULL,
                        claimed_by = NULL, claim_until = NULL
                    WHERE seq IN (SELECT value FROM json_each(?)) AND claimed_by = ? AND claim_until >= ? AND state = 'pending'
                    RETURNING seq, created_at
                    """)
            let deliverEnriched = try db.cachedStatement(
                sql: """
                    UPDATE outbox SET state = 'delivered', attempts = attempts + 1, finished_at = ?, last_error = NULL,
                        claimed_by = NULL, claim_until = NULL, enrichment_digest = coalesce(sent.value, enrichment_digest)
                    FROM json_each(?) AS sent
                    WHERE outbox.seq = CAST(sent.key AS INTEGER) AND claimed_by = ? AND claim_until >= ? AND state = 'pending'
                    RETURNING outbox.seq, created_at
                    """)
            let keep = try db.cachedStatement(sql: "INSERT OR IGNORE INTO enrichment (digest, json) VALUES (?, ?)")
            var latency = LatencyHistogram()
            var failures: [DeliveryRecord] = []
            let sent = records.filter { if case .delivered = $0.result { true } else { false } }
            let enriched = sent.contains { $0.enrichment != nil }
            var fresh: [String: String] = [:]
            for record in sent {
                if let enrichment = record.enrichment, !known.contains(enrichment.digest) { fresh[enrichment.digest] = enrichment.json }
            }
            var delivered = 0
            if !sent.isEmpty {
                let rows: [Row]
                if enriched {
                    rows = try Row.fetchAll(deliverEnriched, arguments: [time, Self.digestsBySeq(sent), owner, time])
                } else {
                    rows = try Row.fetchAll(deliver, arguments: [time, Self.jsonList(sent.map(\.seq)), owner, time])
                }
                for row in rows { latency.add(time - (row["created_at"] as Int64)) }
                delivered = rows.count
            }
            if delivered > 0 { for (digest, json) in fresh { try keep.execute(arguments: [digest, json]) } }
            recorded = delivered
            for record in records {
                switch record.result {
                case .delivered:
                    continue
                case .retry(let next, let error):
                    try retry.execute(arguments: [next, URLRedaction.redactURLs(in: error), record.seq, owner, time])
                    if db.changesCount > 0 { failures.append(record) }
                case .held(let until):
                    try hold.execute(arguments: [until, record.seq, owner, time])
                case .filtered(let reason):
                    try filter.execute(arguments: [time, reason, record.seq, owner, time])
                case .dead(let reason):
                    try bury.execute(arguments: [time, URLRedaction.redactURLs(in: reason), record.seq, owner, time])
                    failed += db.changesCount
                    if db.changesCount > 0 { failures.append(record) }
                }
                recorded += db.changesCount
            }
            try Self.noteActivity(
                db, integrationID: integrationID, at: time, delivered: delivered, latency: latency,
                failures: DeliveryFailure.of(failures, at: time))
            try db.cachedStatement(
                sql: """
                    UPDATE integration_state SET delivered = delivered + ?, failed = failed + ?,
                        last_delivery_at = CASE WHEN ? > 0 THEN ? ELSE last_delivery_at END
                    WHERE integration_id = ?
                    """
            ).execute(arguments: [delivered, failed, delivered, time, integrationID])
            return (recorded, delivered > 0 ? Array(fresh.keys) : [])
        }
        // Known only once committed: a batch rolled back stored none.
        if !kept.isEmpty {
            storedEnrichments.withLock { stored in
                if stored.count + kept.count > 10_000 { stored = [] }
                stored.formUnion(kept)
            }
        }
        return count
    }

    /// `{"seq":"digest","seq":null,…}`: each row delivered, with the digest of the enrichment it went out with (hex:
    /// nothing in it to escape), written as bytes into one buffer.
    static func digestsBySeq(_ sent: [DeliveryRecord]) -> String {
        var text: [UInt8] = [UInt8(ascii: "{")]
        text.reserveCapacity(sent.count * 90 + 2)
        for record in sent {
            if text.count > 1 { text.append(UInt8(ascii: ",")) }
            text.append(UInt8(ascii: "\""))
            text.append(contentsOf: String(record.seq).utf8)
            text.append(contentsOf: "\":".utf8)
            if let digest = record.enrichment?.digest {
                text.append(UInt8(ascii: "\""))
                text.append(contentsOf: digest.utf8)
                text.append(UInt8(ascii: "\""))
            } else {
                text.append(contentsOf: "null".utf8)
            }
        }
        text.append(UInt8(ascii: "}"))
        return String(decoding: text, as: UTF8.self)
    }

    /// `[1,2,3]`: a list of rows as one argument, read by `json_each`, so that one prepared statement takes any count.
    static func jsonList(_ seqs: [Int64]) -> String { "[" + seqs.map(String.init).joined(separator: ",") + "]" }

    public func setIntegrationHealth(integrationID: String, _ health: IntegrationHealth) async throws {
        try await pool.write { db in
            try db.execute(sql: "INSERT OR IGNORE INTO integration_state (integration_id) VALUES (?)", arguments: [integrationID])
            try db.execute(
                sql: """
                    UPDATE integration_state SET status = ?, paused = ?, error_type = ?, message = ?, status_code = ?, last_updated = ?,
                        down_since = ?, failure_streak = ?, probe_at = ?
                    WHERE integration_id = ?
                    """,
                arguments: [
                    health.status.rawValue, health.paused, health.errorType, health.message.map(URLRedaction.redactURLs(in:)),
                    health.statusCode,
                    health.lastUpdated, health.downSince, health.failureStreak, health.probeAt, integrationID,
                ])
        }
    }

    public func integrationHealth(id: String, countingQueue: Bool) async throws -> IntegrationHealth {
        try await pool.read { db in
            let row = try Row.fetchOne(db, sql: "SELECT * FROM integration_state WHERE integration_id = ?", arguments: [id])
            let queue =
                try !countingQueue
                ? nil
                : Row.fetchOne(
                    db,
                    sql: """
                        SELECT (SELECT COUNT(*) FROM outbox WHERE integration_id = ?1 AND state = 'pending') AS n,
                            (SELECT MIN(created_at) FROM outbox WHERE integration_id = ?1 AND state = 'pending') AS oldest,
                            (SELECT COUNT(*) FROM outbox WHERE integration_id = ?1 AND state = 'dead') AS dead
                        """,
                    arguments: [id])
            var health = IntegrationHealth(
                queueDepth: queue?["n"] ?? 0, oldestPendingAt: queue?["oldest"], deadLetters: queue?["dead"] ?? 0)
            if let row {
                health.status = IntegrationHealth.Status(rawValue: row["status"]) ?? .green
                health.paused = row["paused"]
                health.errorType = row["error_type"]
                health.message = row["message"]
                health.statusCode = row["status_code"]
                health.lastUpdated = row["last_updated"]
                health.delivered = row["delivered"]
                health.failed = row["failed"]
                health.lastDeliveryAt = row["last_delivery_at"]
                health.downSince = row["down_since"]
                health.failureStreak = row["failure_streak"]
                health.probeAt = row["probe_at"]
            }
            if health.deadLettersShown {
                let reason = try String.fetchOne(
                    db,
                    sql:
                        """
                            SELECT last_error FROM outbox
                            WHERE integration_id = ? AND state = 'dead' ORDER BY finished_at DESC, seq DESC LIMIT 1
                        """,
                    arguments: [id])
                health.showDeadLetters(latestReason: reason)
            }
            return health
        }
    }

    public func resumeDeliveries(integrationID: String, at time: Int64) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE outbox SET next_attempt_at = ? WHERE integration_id = ? AND state = 'pending' AND next_attempt_at > ?",
                arguments: [time, integrationID, time])
        }
    }

    public func deadLetters(integrationID: String?) async throws -> [DeadLetter] {
        try await pool.read { db in
            let filter = integrationID == nil ? "" : "AND integration_id = ?"
            let arguments: StatementArguments = integrationID.map { [$0] } ?? []
            return try Row.fetchAll(
                db,
                sql: """
                    SELECT seq, event_id, integration_id, attempts, last_error, finished_at FROM outbox
                    WHERE state = 'dead' \(filter) ORDER BY seq DESC
                    """, arguments: arguments
            ).map {
                DeadLetter(
                    seq: $0["seq"], eventID: $0["event_id"], integrationID: $0["integration_id"], attempts: $0["attempts"],
                    reason: $0["last_error"] ?? "", failedAt: $0["finished_at"] ?? 0)
            }
        }
    }

    public func retryDeadLetters(integrationID: String, seq: Int64?) async throws -> Int {
        let now = clock()
        let retried = try await pool.write { db in
            let filter = seq == nil ? "" : "AND seq = ?"
            var arguments: StatementArguments = [now, integrationID]
            if let seq { arguments += [seq] }
            try db.execute(
                sql:
                    """
                        UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = ?, finished_at = NULL
                        WHERE integration_id = ? AND state = 'dead' \(filter)
                    """,
                arguments: arguments)
            return db.changesCount
        }
        if retried > 0 { queued.ring() }
        return retried
    }

    public func discardDeadLetter(integrationID: String, seq: Int64) async throws -> Bool {
        let now = clock()
        return try await pool.write { db in
            try db.execute(
                sql: "UPDATE outbox SET state = 'discarded', finished_at = ? WHERE integration_id = ? AND seq = ? AND state = 'dead'",
                arguments: [now, integrationID, seq])
            return db.changesCount == 1
        }
    }
}
