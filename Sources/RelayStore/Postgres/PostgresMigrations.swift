import Foundation
import Logging
import PostgresNIO
import RelayModel

/// The PostgreSQL schema, one numbered migration per version; a migration once released never changes. It starts
/// where the SQLite schema's tenth version is, so `db copy` moves every table as it is.
enum PostgresMigrations {
    /// The key of the advisory lock replicas take to migrate, one at a time ("prisma-relay" as a number).
    static let lockKey: Int64 = 0x7072_6973_6d61_7231

    static let all: [(version: Int, name: String, sql: String)] = [
        (
            1, "connectors-events-integrations-outbox",
            """
            CREATE TABLE connector (
                name TEXT PRIMARY KEY,
                type TEXT NOT NULL,
                config TEXT NOT NULL,
                secret BYTEA NOT NULL,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL
            );
            CREATE TABLE connector_state (
                connector TEXT PRIMARY KEY REFERENCES connector(name) ON DELETE CASCADE,
                cursor BIGINT,
                last_poll_at BIGINT,
                last_success_at BIGINT,
                last_events_added BIGINT NOT NULL DEFAULT 0,
                last_error TEXT,
                waiting TEXT
            );
            CREATE TABLE connector_lease (
                connector TEXT PRIMARY KEY,
                owner TEXT NOT NULL,
                until BIGINT NOT NULL,
                token BIGINT NOT NULL
            );
            CREATE TABLE event (
                seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                id TEXT NOT NULL UNIQUE,
                connector TEXT NOT NULL,
                kind TEXT NOT NULL,
                native_id TEXT NOT NULL,
                version TEXT NOT NULL,
                status TEXT NOT NULL,
                severity TEXT NOT NULL,
                module TEXT NOT NULL,
                updated_ms BIGINT NOT NULL,
                observed_at TEXT NOT NULL,
                body TEXT NOT NULL,
                UNIQUE (connector, kind, native_id, version)
            );
            CREATE INDEX event_newest ON event(updated_ms DESC, seq DESC);
            CREATE INDEX event_by_connector ON event(connector, updated_ms DESC);
            CREATE INDEX event_by_severity ON event(severity, updated_ms DESC);
            CREATE TABLE rejected_finding (
                id TEXT PRIMARY KEY,
                connector TEXT NOT NULL,
                reason TEXT NOT NULL,
                body TEXT NOT NULL,
                rejected_at BIGINT NOT NULL
            );
            CREATE INDEX rejected_by_connector ON rejected_finding(connector, rejected_at DESC);
            CREATE TABLE integration (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL UNIQUE,
                type TEXT NOT NULL,
                description TEXT NOT NULL DEFAULT '',
                enabled BOOLEAN NOT NULL,
                sealed_config BYTEA NOT NULL,
                created_by TEXT NOT NULL,
                created_ts BIGINT NOT NULL,
                last_modified_by TEXT NOT NULL,
                last_modified_ts BIGINT NOT NULL
            );
            CREATE TABLE integration_state (
                integration_id TEXT PRIMARY KEY REFERENCES integration(id) ON DELETE CASCADE,
                status TEXT NOT NULL DEFAULT 'GREEN',
                paused BOOLEAN NOT NULL DEFAULT FALSE,
                error_type TEXT,
                message TEXT,
                status_code BIGINT,
                last_updated BIGINT,
                delivered BIGINT NOT NULL DEFAULT 0,
                failed BIGINT NOT NULL DEFAULT 0,
                last_delivery_at BIGINT,
                down_since BIGINT,
                failure_streak BIGINT NOT NULL DEFAULT 0,
                probe_at BIGINT
            );
            CREATE TABLE alert_rule (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL UNIQUE,
                enabled BOOLEAN NOT NULL,
                body TEXT NOT NULL
            );
            CREATE TABLE outbox (
                seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                event_id TEXT NOT NULL REFERENCES event(id),
                integration_id TEXT NOT NULL,
                -- connector and native id: events of one alert go out in order
                alert_key TEXT NOT NULL,
                state TEXT NOT NULL DEFAULT 'pending',
                attempts BIGINT NOT NULL DEFAULT 0,
                next_attempt_at BIGINT NOT NULL,
                created_at BIGINT NOT NULL,
                finished_at BIGINT,
                last_error TEXT,
                claimed_by TEXT,
                claim_until BIGINT,
                UNIQUE (event_id, integration_id)
            );
            CREATE INDEX outbox_pending ON outbox(integration_id, seq) WHERE state = 'pending';
            CREATE INDEX outbox_pending_alert ON outbox(integration_id, alert_key, seq) WHERE state = 'pending';
            CREATE INDEX outbox_dead ON outbox(integration_id, seq) WHERE state = 'dead';
            CREATE TABLE legacy_destination_key (
                integration_id TEXT NOT NULL,
                alert_key TEXT NOT NULL,
                destination_key TEXT NOT NULL,
                PRIMARY KEY (integration_id, alert_key)
            );
            CREATE TABLE api_key (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL UNIQUE,
                secret_hash TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                role TEXT NOT NULL DEFAULT 'admin',
                revoked_at BIGINT,
                last_used_at BIGINT
            );
            CREATE TABLE console_session (
                id_hash TEXT PRIMARY KEY,
                key_id TEXT NOT NULL,
                key_name TEXT NOT NULL,
                role TEXT NOT NULL,
                csrf TEXT NOT NULL,
                expires_at BIGINT NOT NULL,
                flash_kind TEXT,
                flash_text TEXT,
                sealed_drafts BYTEA
            );
            CREATE INDEX console_session_key ON console_session(key_id);
            -- What the store must know about itself: which master key seals its secrets (as a sealed known text).
            CREATE TABLE relay_meta (
                name TEXT PRIMARY KEY,
                value BYTEA NOT NULL
            );
            """
        ),
        (
            2, "replicas",
            """
            CREATE TABLE replica (
                id TEXT PRIMARY KEY,
                host TEXT NOT NULL,
                pid BIGINT NOT NULL,
                version TEXT NOT NULL,
                started_at BIGINT NOT NULL,
                heartbeat_at BIGINT NOT NULL,
                stopped_at BIGINT
            );
            """
        ),
        (
            3, "send-slots-and-request-budgets",
            """
            -- Requests in flight to an integration, per replica, under the integration's cluster-wide cap.
            CREATE TABLE send_slot (
                integration_id TEXT NOT NULL,
                owner TEXT NOT NULL,
                slots INTEGER NOT NULL,
                until BIGINT NOT NULL,
                PRIMARY KEY (integration_id, owner)
            );
            -- Token buckets shared by the replicas (Prisma's request rate per access key): when the next request is due.
            CREATE TABLE request_budget (
                key TEXT PRIMARY KEY,
                next_at BIGINT NOT NULL
            );
            """
        ),
        (
            4, "event-enrichment",
            """
            -- What the enrichment sources added to an event when it was first delivered: each distinct enrichment once
            -- (by the digest of its JSON, so alerts on one host or by one person share it), and which event had which.
            CREATE TABLE enrichment (
                digest TEXT PRIMARY KEY,
                json TEXT NOT NULL
            );
            CREATE TABLE event_enrichment (
                event_id TEXT PRIMARY KEY REFERENCES event(id),
                digest TEXT NOT NULL REFERENCES enrichment(digest)
            );
            """
        ),
        (
            5, "history",
            """
            -- What a connector's and an integration's pages chart and list: each poll as it ended, each integration's
            -- deliveries by the hour with a histogram of their latency, and its recent failed attempts.
            CREATE TABLE poll_history (
                seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                connector TEXT NOT NULL REFERENCES connector(name) ON DELETE CASCADE,
                started_at BIGINT NOT NULL,
                finished_at BIGINT NOT NULL,
                pages BIGINT NOT NULL,
                fetched BIGINT NOT NULL,
                added BIGINT NOT NULL,
                rejected BIGINT NOT NULL,
                error TEXT
            );
            CREATE INDEX poll_history_connector ON poll_history(connector, seq);
            CREATE TABLE delivery_hour (
                integration_id TEXT NOT NULL,
                hour BIGINT NOT NULL,
                delivered BIGINT NOT NULL,
                retried BIGINT NOT NULL,
                dead BIGINT NOT NULL,
                latency TEXT NOT NULL,
                PRIMARY KEY (integration_id, hour)
            );
            CREATE TABLE delivery_failure (
                seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                integration_id TEXT NOT NULL,
                at BIGINT NOT NULL,
                kind TEXT NOT NULL,
                rows BIGINT NOT NULL,
                message TEXT NOT NULL
            );
            CREATE INDEX delivery_failure_integration ON delivery_failure(integration_id, seq);
            """
        ),
        (
            6, "last-added",
            """
            -- When a poll last added events: a connector quiet for longer than its operator allows raises a health event.
            ALTER TABLE connector_state ADD COLUMN last_added_at BIGINT
            """
        ),
        (
            7, "alert-actions",
            """
            -- Actions taken on findings in Prisma Cloud through the relay, each with Prisma's answer.
            CREATE TABLE alert_action (
                seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                connector TEXT NOT NULL,
                native_id TEXT NOT NULL,
                event_id TEXT NOT NULL,
                action TEXT NOT NULL,
                note TEXT,
                duration TEXT,
                actor TEXT NOT NULL,
                origin TEXT,
                requested_at BIGINT NOT NULL,
                outcome TEXT NOT NULL,
                detail TEXT NOT NULL,
                status_code BIGINT
            );
            CREATE INDEX alert_action_finding ON alert_action(connector, native_id, seq);
            """
        ),
        (
            8, "outbox-enrichment",
            """
            -- An outbox row keeps the digest of the enrichment it was delivered with, set by the statement that records
            -- the delivery, instead of a row per event in a table keyed by the event's id.
            ALTER TABLE outbox ADD COLUMN enrichment_digest TEXT;
            UPDATE outbox o SET enrichment_digest = l.digest FROM event_enrichment l WHERE l.event_id = o.event_id AND o.state = 'delivered';
            DROP TABLE event_enrichment;
            """
        ),
        (
            9, "runtime-audit-times",
            """
            -- A runtime audit's version is its time and count (millis-count): its time was read as the whole version,
            -- which is no number, so such events were stored as of 1970 and listed last. Their times are read again.
            UPDATE event SET updated_ms = CAST(split_part(version, '-', 1) AS BIGINT)
            WHERE kind = 'audit' AND updated_ms = 0 AND version ~ '^[0-9]{1,15}-'
            """
        ),
        (
            10, "event-facets",
            """
            -- The two indexes of events, newest first and by connector, also hold every field the console and the API
            -- filter and count by, so that a count (a total, the hourly charts) is an index-only scan, and the index by
            -- severity goes. At a million events: COUNT(*) 320 to 80 ms, by severity and module 315 to 165 ms, by
            -- connector and severity 220 to 75 ms.
            DROP INDEX event_newest;
            DROP INDEX event_by_connector;
            DROP INDEX event_by_severity;
            CREATE INDEX event_newest ON event(updated_ms DESC, seq DESC) INCLUDE (connector, severity, kind, module, status);
            CREATE INDEX event_by_connector ON event(connector, updated_ms DESC, seq DESC) INCLUDE (severity, kind, module, status)
            """
        ),
    ]

    static var latest: Int { all.map(\.version).max() ?? 0 }

    /// The statements of a migration, its comment lines (`--`) left out: a statement holds no `;` but the one ending it,
    /// while a comment may hold any.
    static func statements(_ sql: String) -> [String] {
        sql.split(separator: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("--") }.joined(separator: "\n")
            .split(separator: ";").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
    }
}

extension PostgresStore {
    /// Applies the migrations this database lacks, each in its own transaction, holding the advisory lock so
    /// that replicas starting together migrate once. Returns the migrations applied, as `version-name`.
    @discardableResult
    public func migrate() async throws -> [String] {
        try await leased { [logger] connection in
            try await connection.query("SELECT pg_advisory_lock(\(PostgresMigrations.lockKey))", logger: logger)
            do {
                try await connection.query(
                    """
                    CREATE TABLE IF NOT EXISTS schema_migration (
                        version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())
                    """, logger: logger)
                let done = Set(
                    try await connection.rows("SELECT version FROM schema_migration", logger: logger).map {
                        Int(try $0.get("version", as: Int64.self))
                    })
                var applied: [String] = []
                for migration in PostgresMigrations.all where !done.contains(migration.version) {
                    try await connection.query("BEGIN", logger: logger)
                    do {
                        // One statement per query: the extended protocol PostgresNIO speaks takes no more.
                        for statement in PostgresMigrations.statements(migration.sql) {
                            try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                        }
                        try await connection.query(
                            "INSERT INTO schema_migration (version, name) VALUES (\(migration.version), \(migration.name))",
                            logger: logger)
                        try await connection.query("COMMIT", logger: logger)
                    } catch {
                        _ = try? await connection.query("ROLLBACK", logger: logger)
                        throw error
                    }
                    applied.append("\(migration.version)-\(migration.name)")
                }
                _ = try await connection.query("SELECT pg_advisory_unlock(\(PostgresMigrations.lockKey))", logger: logger)
                return applied
            } catch {
                _ = try? await connection.query("SELECT pg_advisory_unlock(\(PostgresMigrations.lockKey))", logger: logger)
                throw error
            }
        }
    }

    /// The schema version the database is at (0 when it was never migrated).
    public func schemaVersion() async throws -> Int {
        let exists = try await rows("SELECT to_regclass('schema_migration') IS NOT NULL AS present")
        guard try exists.first?.get("present", as: Bool.self) == true else { return 0 }
        let rows = try await rows("SELECT COALESCE(MAX(version), 0) AS v FROM schema_migration")
        return Int(try rows.first?.get("v", as: Int64.self) ?? 0)
    }

    public func readiness() async throws {
        try await checkSchema()
    }

    /// Refuses a database this build cannot use: never migrated, behind this build, or migrated by a newer one.
    func checkSchema() async throws {
        let version = try await schemaVersion()
        if version < PostgresMigrations.latest {
            throw StoreError.unavailable(
                "the database \(settings.database) is at schema version \(version), and this build needs "
                    + "\(PostgresMigrations.latest): run prisma-relay db migrate (or start serve without --no-migrate)")
        }
        if version > PostgresMigrations.latest {
            throw StoreError.unavailable(
                "the database \(settings.database) was migrated to schema version \(version) by a newer PrismaRelay; "
                    + "this build knows \(PostgresMigrations.latest): upgrade this replica")
        }
    }
}

extension PostgresStore {
    /// The versions applied to this database, oldest first.
    public func appliedMigrations() async throws -> [Int] {
        try await rows("SELECT version FROM schema_migration ORDER BY version").map { Int(try $0.get("version", as: Int64.self)) }
    }
}
