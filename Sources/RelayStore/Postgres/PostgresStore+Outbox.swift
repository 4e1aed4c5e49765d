import Foundation
import PostgresNIO
import RelayModel

/// Deliveries: claims (`FOR UPDATE SKIP LOCKED`, so replicas claiming at once take different rows), their outcomes,
/// integration health and dead letters.
extension PostgresStore {
    public func queueBackfill(_ rows: [OutboxRow], apply: Bool) async throws -> Int {
        guard !rows.isEmpty else { return 0 }
        let slots = Array(Set(rows.map(\.slot)))
        let count = try await transaction { [logger, notifier] connection in
            // Commits queue rows too: while this one decides and inserts, none may start an alert's row, or an older
            // event queued here could follow a newer one. Reads and claims of other tables go on.
            if apply { try await connection.query("LOCK TABLE outbox IN SHARE ROW EXCLUSIVE MODE", logger: logger) }
            let queued = try await connection.rows(
                """
                SELECT DISTINCT o.integration_id, o.alert_key FROM outbox o
                JOIN unnest(\(slots.map(\.integrationID))::text[], \(slots.map(\.alertKey))::text[]) AS s(i, k)
                  ON o.integration_id = s.i AND o.alert_key = s.k
                """, logger: logger
            ).map {
                OutboxRow.Slot(
                    integrationID: try $0.get("integration_id", as: String.self), alertKey: try $0.get("alert_key", as: String.self))
            }
            let kept = AlertRouter.backfill(rows, skipping: Set(queued))
            guard apply, !kept.isEmpty else { return kept.count }
            try await connection.query(
                """
                INSERT INTO outbox (event_id, integration_id, alert_key, next_attempt_at, created_at)
                SELECT e, i, k, t, t FROM unnest(\(kept.map(\.eventID))::text[], \(kept.map(\.integrationID))::text[],
                    \(kept.map(\.alertKey))::text[], \(kept.map(\.queuedAt))::bigint[]) WITH ORDINALITY AS r(e, i, k, t, n)
                ORDER BY n
                ON CONFLICT DO NOTHING
                """, logger: logger)
            try await Self.notifyQueued(connection, from: notifier, logger: logger)
            return kept.count
        }
        if apply, count > 0 { queued.ring() }
        return count
    }

    public func claimDeliveries(
        integrationID: String, owner: String, now: Int64, until: Int64, limit: Int, readingSubjectFields: Bool
    ) async throws -> [QueuedDelivery] {
        // A row whose alert has an earlier pending row is not claimable, claimed or not, so a resolve never overtakes
        // its trigger whichever replicas send them. A stale view only leaves out more: the earlier row is pending
        // until its outcome is committed.
        let rows = try await rows(
            """
            WITH picked AS (
                SELECT o.seq FROM outbox o
                WHERE o.integration_id = \(integrationID) AND o.state = 'pending' AND o.next_attempt_at <= \(now)
                  AND (o.claim_until IS NULL OR o.claim_until <= \(now))
                  AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.integration_id = o.integration_id AND p.alert_key = o.alert_key
                                  AND p.state = 'pending' AND p.seq < o.seq)
                ORDER BY o.seq LIMIT \(Int64(limit))
                FOR UPDATE SKIP LOCKED),
            claimed AS (
                UPDATE outbox SET claimed_by = \(owner), claim_until = \(until) FROM picked WHERE outbox.seq = picked.seq
                RETURNING outbox.seq, outbox.attempts, outbox.created_at, outbox.event_id, outbox.integration_id, outbox.alert_key)
            SELECT c.seq, c.attempts, c.created_at, e.body, l.destination_key FROM claimed c JOIN event e ON e.id = c.event_id
            LEFT JOIN legacy_destination_key l ON l.integration_id = c.integration_id AND l.alert_key = c.alert_key
            ORDER BY c.seq
            """)
        return try rows.map { row in
            guard
                let event = try? NormalizedEvent(
                    storedJSON: try row.get("body", as: String.self).utf8, readingSubjectFields: readingSubjectFields)
            else {
                throw StoreError.corrupt("outbox event")
            }
            return QueuedDelivery(
                seq: try row.get("seq"), event: event, attempts: Int(try row.get("attempts", as: Int64.self)),
                createdAt: try row.get("created_at"), legacyDestinationKey: try row.get("destination_key"))
        }
    }

    public func renewClaims(_ seqs: [Int64], owner: String, now: Int64, until: Int64) async throws -> Set<Int64> {
        guard !seqs.isEmpty else { return [] }
        return Set(
            try await rows(
                """
                UPDATE outbox SET claim_until = \(until)
                WHERE seq = ANY(\(seqs)) AND claimed_by = \(owner) AND claim_until > \(now) AND state = 'pending'
                RETURNING seq
                """
            ).map { try $0.get("seq", as: Int64.self) })
    }

    public func releaseClaims(integrationID: String, owner: String) async throws {
        _ = try await rows(
            """
            UPDATE outbox SET claimed_by = NULL, claim_until = NULL
            WHERE integration_id = \(integrationID) AND claimed_by = \(owner) AND state = 'pending'
            """)
    }

    @discardableResult
    public func recordDeliveries(_ records: [DeliveryRecord], integrationID: String, owner: String, at time: Int64) async throws -> Int {
        guard !records.isEmpty else { return 0 }
        var seqs: [Int64] = []
        var outcomes: [String] = []
        var nexts: [Int64] = []
        var errors: [String] = []
        // Each row's enrichment digest ("" for none), and each distinct enrichment delivered.
        var rowDigests: [String] = []
        var enrichments: [String] = []
        var digests: [String] = []
        var seen = Set<String>()
        for record in records {
            seqs.append(record.seq)
            if case .delivered = record.result, let enrichment = record.enrichment {
                rowDigests.append(enrichment.digest)
                if seen.insert(enrichment.digest).inserted {
                    enrichments.append(enrichment.json)
                    digests.append(enrichment.digest)
                }
            } else {
                rowDigests.append("")
            }
            switch record.result {
            case .delivered:
                outcomes.append("delivered")
                nexts.append(0)
                errors.append("")
            case .retry(let next, let error):
                outcomes.append("retry")
                nexts.append(next)
                errors.append(URLRedaction.redactURLs(in: error))
            case .held(let until):
                outcomes.append("held")
                nexts.append(until)
                errors.append("")
            case .dead(let reason):
                outcomes.append("dead")
                nexts.append(0)
                errors.append(URLRedaction.redactURLs(in: reason))
            case .filtered(let reason):
                outcomes.append("filtered")
                nexts.append(0)
                errors.append(reason)
            }
        }
        return try await transaction { [logger, records, seqs, outcomes, nexts, errors, rowDigests, enrichments, digests] connection in
            // Only the holder of a live claim records a row's outcome; the claim ends with it. One statement for all.
            let recorded = try await connection.rows(
                """
                UPDATE outbox o SET
                    state = CASE WHEN r.outcome IN ('delivered', 'dead', 'filtered') THEN r.outcome ELSE o.state END,
                    attempts = o.attempts + CASE WHEN r.outcome IN ('held', 'filtered') THEN 0 ELSE 1 END,
                    next_attempt_at = CASE WHEN r.outcome IN ('retry', 'held') THEN r.next ELSE o.next_attempt_at END,
                    finished_at = CASE WHEN r.outcome IN ('delivered', 'dead', 'filtered') THEN \(time) ELSE o.finished_at END,
                    last_error = CASE r.outcome WHEN 'delivered' THEN NULL WHEN 'held' THEN o.last_error ELSE r.error END,
                    claimed_by = NULL, claim_until = NULL,
                    enrichment_digest = CASE WHEN r.outcome = 'delivered' THEN NULLIF(r.digest, '') ELSE o.enrichment_digest END
                FROM unnest(\(seqs)::bigint[], \(outcomes)::text[], \(nexts)::bigint[], \(errors)::text[], \(rowDigests)::text[])
                    AS r(seq, outcome, next, error, digest)
                WHERE o.seq = r.seq AND o.claimed_by = \(owner) AND o.claim_until >= \(time) AND o.state = 'pending'
                RETURNING r.seq, r.outcome, o.created_at
                """, logger: logger
            ).map {
                (
                    seq: try $0.get("seq", as: Int64.self), outcome: try $0.get("outcome", as: String.self),
                    queuedAt: try $0.get("created_at", as: Int64.self)
                )
            }
            if !digests.isEmpty {
                try await connection.query(
                    """
                    INSERT INTO enrichment (digest, json) SELECT d, j FROM unnest(\(digests)::text[], \(enrichments)::text[]) AS r(d, j)
                    ON CONFLICT DO NOTHING
                    """, logger: logger)
            }
            let delivered = Int64(recorded.filter { $0.outcome == "delivered" }.count)
            let failed = Int64(recorded.filter { $0.outcome == "dead" }.count)
            var latency = LatencyHistogram()
            for row in recorded where row.outcome == "delivered" { latency.add(time - row.queuedAt) }
            let failedSeqs = Set(recorded.filter { $0.outcome == "retry" || $0.outcome == "dead" }.map(\.seq))
            try await Self.noteActivity(
                connection, logger: logger, integrationID: integrationID, at: time, delivered: Int(delivered), latency: latency,
                failures: DeliveryFailure.of(records.filter { failedSeqs.contains($0.seq) }, at: time))
            if delivered > 0 || failed > 0 {
                try await connection.query(
                    """
                    INSERT INTO integration_state (integration_id, delivered, failed, last_delivery_at)
                    VALUES (\(integrationID), \(delivered), \(failed), CASE WHEN \(delivered) > 0 THEN \(time) END)
                    ON CONFLICT (integration_id) DO UPDATE SET delivered = integration_state.delivered + EXCLUDED.delivered,
                        failed = integration_state.failed + EXCLUDED.failed,
                        last_delivery_at = COALESCE(EXCLUDED.last_delivery_at, integration_state.last_delivery_at)
                    """, logger: logger)
            }
            return recorded.count
        }
    }

    public func setIntegrationHealth(integrationID: String, _ health: IntegrationHealth) async throws {
        let message = health.message.map(URLRedaction.redactURLs(in:))
        let statusCode = health.statusCode.map(Int64.init)
        let streak = Int64(health.failureStreak)
        _ = try await rows(
            """
            INSERT INTO integration_state (integration_id, status, paused, error_type, message, status_code, last_updated,
                down_since, failure_streak, probe_at)
            VALUES (\(integrationID), \(health.status.rawValue), \(health.paused), \(health.errorType), \(message), \(statusCode),
                \(health.lastUpdated), \(health.downSince), \(streak), \(health.probeAt))
            ON CONFLICT (integration_id) DO UPDATE SET status = EXCLUDED.status, paused = EXCLUDED.paused,
                error_type = EXCLUDED.error_type, message = EXCLUDED.message, status_code = EXCLUDED.status_code,
                last_updated = EXCLUDED.last_updated, down_since = EXCLUDED.down_since, failure_streak = EXCLUDED.failure_streak,
                probe_at = EXCLUDED.probe_at
            """)
    }

    public func integrationHealth(id: String, countingQueue: Bool) async throws -> IntegrationHealth {
        let queue =
            try await !countingQueue
            ? nil
            : rows(
                """
                SELECT COUNT(*) FILTER (WHERE state = 'pending') AS n, MIN(created_at) FILTER (WHERE state = 'pending') AS oldest,
                    COUNT(*) FILTER (WHERE state = 'dead') AS dead,
                    (SELECT last_error FROM outbox WHERE integration_id = \(id) AND state = 'dead'
                     ORDER BY finished_at DESC, seq DESC LIMIT 1) AS reason
                FROM outbox WHERE integration_id = \(id) AND state IN ('pending', 'dead')
                """
            ).first
        var health = IntegrationHealth(
            queueDepth: Int(try queue?.get("n", as: Int64.self) ?? 0), oldestPendingAt: try queue?.get("oldest", as: Int64?.self),
            deadLetters: Int(try queue?.get("dead", as: Int64.self) ?? 0))
        if let row = try await rows("SELECT * FROM integration_state WHERE integration_id = \(id)").first {
            health.status = IntegrationHealth.Status(rawValue: try row.get("status")) ?? .green
            health.paused = try row.get("paused")
            health.errorType = try row.get("error_type")
            health.message = try row.get("message")
            health.statusCode = try row.get("status_code", as: Int64?.self).map(Int.init)
            health.lastUpdated = try row.get("last_updated")
            health.delivered = Int(try row.get("delivered", as: Int64.self))
            health.failed = Int(try row.get("failed", as: Int64.self))
            health.lastDeliveryAt = try row.get("last_delivery_at")
            health.downSince = try row.get("down_since")
            health.failureStreak = Int(try row.get("failure_streak", as: Int64.self))
            health.probeAt = try row.get("probe_at")
        }
        health.showDeadLetters(latestReason: try queue?.get("reason", as: String?.self))
        return health
    }

    public func resumeDeliveries(integrationID: String, at time: Int64) async throws {
        _ = try await rows(
            """
            UPDATE outbox SET next_attempt_at = \(time)
            WHERE integration_id = \(integrationID) AND state = 'pending' AND next_attempt_at > \(time)
            """)
    }

    public func deadLetters(integrationID: String?) async throws -> [DeadLetter] {
        try await rows(
            """
            SELECT seq, event_id, integration_id, attempts, last_error, finished_at FROM outbox
            WHERE state = 'dead' AND (\(integrationID)::text IS NULL OR integration_id = \(integrationID)) ORDER BY seq DESC
            """
        ).map {
            DeadLetter(
                seq: try $0.get("seq"), eventID: try $0.get("event_id"), integrationID: try $0.get("integration_id"),
                attempts: Int(try $0.get("attempts", as: Int64.self)), reason: try $0.get("last_error", as: String?.self) ?? "",
                failedAt: try $0.get("finished_at", as: Int64?.self) ?? 0)
        }
    }

    public func retryDeadLetters(integrationID: String, seq: Int64?) async throws -> Int {
        let now = clock()
        let retried = try await transaction { [logger, notifier] connection in
            let count = try await connection.rows(
                """
                UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = \(now), finished_at = NULL
                WHERE integration_id = \(integrationID) AND state = 'dead' AND (\(seq)::bigint IS NULL OR seq = \(seq))
                RETURNING 1 AS retried
                """, logger: logger
            ).count
            if count > 0 { try await Self.notifyQueued(connection, from: notifier, logger: logger) }
            return count
        }
        if retried > 0 { queued.ring() }
        return retried
    }

    public func discardDeadLetter(integrationID: String, seq: Int64) async throws -> Bool {
        let now = clock()
        return try await rows(
            """
            UPDATE outbox SET state = 'discarded', finished_at = \(now)
            WHERE integration_id = \(integrationID) AND seq = \(seq) AND state = 'dead' RETURNING 1 AS discarded
            """
        ).count == 1
    }

    // MARK: Connector leases

    public func acquireConnectorLease(_ connector: String, owner: String, now: Int64, until: Int64) async throws -> ConnectorLease? {
        // One statement decides: a new lease, the holder's renewal (token kept, also after a lapse no other owner
        // used), or a takeover of a lapsed lease (a larger token fences off whatever the last holder still commits).
        let rows = try await rows(
            """
            INSERT INTO connector_lease AS l (connector, owner, until, token) VALUES (\(connector), \(owner), \(until), 1)
            ON CONFLICT (connector) DO UPDATE SET owner = EXCLUDED.owner, until = EXCLUDED.until,
                token = CASE WHEN l.owner = EXCLUDED.owner THEN l.token ELSE l.token + 1 END
            WHERE l.owner = EXCLUDED.owner OR l.until <= \(now)
            RETURNING token
            """)
        guard let token = try rows.first?.get("token", as: Int64.self) else { return nil }
        return ConnectorLease(connector: connector, owner: owner, until: until, token: token)
    }

    public func releaseConnectorLease(_ lease: ConnectorLease) async throws {
        // Expired at once, token kept: the next holder's token is larger than this one.
        _ = try await rows(
            """
            UPDATE connector_lease SET until = 0
            WHERE connector = \(lease.connector) AND owner = \(lease.owner) AND token = \(lease.token)
            """)
    }
}
