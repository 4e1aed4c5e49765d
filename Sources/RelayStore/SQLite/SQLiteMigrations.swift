import GRDB

/// The SQLite schema, one registered migration per version; a migration once released never changes.
enum SQLiteMigrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-connectors-events") { db in
            try db.execute(
                sql: """
                    CREATE TABLE connector (
                        name TEXT PRIMARY KEY NOT NULL,
                        type TEXT NOT NULL,
                        config TEXT NOT NULL,
                        secret BLOB NOT NULL,
                        created_at INTEGER NOT NULL,
                        updated_at INTEGER NOT NULL
                    );
                    CREATE TABLE connector_state (
                        connector TEXT PRIMARY KEY NOT NULL REFERENCES connector(name) ON DELETE CASCADE,
                        cursor INTEGER,
                        last_poll_at INTEGER,
                        last_success_at INTEGER,
                        last_events_added INTEGER NOT NULL DEFAULT 0,
                        last_error TEXT
                    );
                    CREATE TABLE event (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        id TEXT NOT NULL UNIQUE,
                        connector TEXT NOT NULL,
                        kind TEXT NOT NULL,
                        native_id TEXT NOT NULL,
                        version TEXT NOT NULL,
                        status TEXT NOT NULL,
                        severity TEXT NOT NULL,
                        module TEXT NOT NULL,
                        updated_ms INTEGER NOT NULL,
                        observed_at TEXT NOT NULL,
                        body TEXT NOT NULL,
                        UNIQUE (connector, kind, native_id, version)
                    );
                    CREATE INDEX event_newest ON event(updated_ms DESC, seq DESC);
                    CREATE INDEX event_by_connector ON event(connector, updated_ms DESC);
                    CREATE INDEX event_by_severity ON event(severity, updated_ms DESC);
                    """)
        }
        migrator.registerMigration("v2-integrations-rules-outbox") { db in
            try db.execute(
                sql: """
                    CREATE TABLE integration (
                        id TEXT PRIMARY KEY NOT NULL,
                        name TEXT NOT NULL UNIQUE,
                        type TEXT NOT NULL,
                        description TEXT NOT NULL DEFAULT '',
                        enabled INTEGER NOT NULL,
                        sealed_config BLOB NOT NULL,
                        created_by TEXT NOT NULL,
                        created_ts INTEGER NOT NULL,
                        last_modified_by TEXT NOT NULL,
                        last_modified_ts INTEGER NOT NULL
                    );
                    CREATE TABLE alert_rule (
                        id TEXT PRIMARY KEY NOT NULL,
                        name TEXT NOT NULL UNIQUE,
                        enabled INTEGER NOT NULL,
                        body TEXT NOT NULL
                    );
                    CREATE TABLE outbox (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        event_id TEXT NOT NULL REFERENCES event(id),
                        integration_id TEXT NOT NULL,
                        -- connector and native id: events of one alert go out in order
                        alert_key TEXT NOT NULL,
                        state TEXT NOT NULL DEFAULT 'pending',
                        attempts INTEGER NOT NULL DEFAULT 0,
                        next_attempt_at INTEGER NOT NULL,
                        created_at INTEGER NOT NULL,
                        finished_at INTEGER,
                        last_error TEXT,
                        UNIQUE (event_id, integration_id)
                    );
                    CREATE INDEX outbox_due ON outbox(integration_id, state, next_attempt_at);
                    CREATE INDEX outbox_alert ON outbox(integration_id, alert_key, state, seq);
                    CREATE TABLE integration_state (
                        integration_id TEXT PRIMARY KEY NOT NULL REFERENCES integration(id) ON DELETE CASCADE,
                        status TEXT NOT NULL DEFAULT 'GREEN',
                        paused INTEGER NOT NULL DEFAULT 0,
                        error_type TEXT,
                        message TEXT,
                        status_code INTEGER,
                        last_updated INTEGER,
                        delivered INTEGER NOT NULL DEFAULT 0,
                        failed INTEGER NOT NULL DEFAULT 0,
                        last_delivery_at INTEGER
                    );
                    """)
        }
        migrator.registerMigration("v3-api-keys") { db in
            try db.execute(
                sql: """
                    CREATE TABLE api_key (
                        id TEXT PRIMARY KEY NOT NULL,
                        name TEXT NOT NULL UNIQUE,
                        secret_hash TEXT NOT NULL,
                        created_at INTEGER NOT NULL
                    );
                    """)
        }
        migrator.registerMigration("v4-rejected-findings") { db in
            try db.execute(
                sql: """
                    CREATE TABLE rejected_finding (
                        id TEXT PRIMARY KEY NOT NULL,
                        connector TEXT NOT NULL,
                        reason TEXT NOT NULL,
                        body TEXT NOT NULL,
                        rejected_at INTEGER NOT NULL
                    );
                    CREATE INDEX rejected_by_connector ON rejected_finding(connector, rejected_at DESC);
                    """)
        }
        migrator.registerMigration("v5-alert-keys") { db in
            // One alert key for every destination (`AlertKey`); incidents PagerDuty opened under the bare alert id
            // before keys named their connector keep that key, so their resolves still find them.
            try db.execute(
                sql: """
                    UPDATE outbox SET alert_key = (SELECT e.connector || '/' || e.native_id FROM event e WHERE e.id = outbox.event_id);
                    CREATE TABLE legacy_destination_key (
                        integration_id TEXT NOT NULL,
                        alert_key TEXT NOT NULL,
                        destination_key TEXT NOT NULL,
                        PRIMARY KEY (integration_id, alert_key)
                    );
                    INSERT OR IGNORE INTO legacy_destination_key (integration_id, alert_key, destination_key)
                        SELECT o.integration_id, o.alert_key, substr(e.native_id, 1, 255) FROM outbox o
                        JOIN event e ON e.id = o.event_id JOIN integration i ON i.id = o.integration_id
                        WHERE i.type = 'pagerduty' AND o.state = 'delivered';
                    """)
        }
        migrator.registerMigration("v6-integration-outages") { db in
            try db.execute(
                sql: """
                    ALTER TABLE integration_state ADD COLUMN down_since INTEGER;
                    ALTER TABLE integration_state ADD COLUMN failure_streak INTEGER NOT NULL DEFAULT 0;
                    ALTER TABLE integration_state ADD COLUMN probe_at INTEGER;
                    """)
        }
        migrator.registerMigration("v7-api-key-roles") { db in
            try db.execute(
                sql: """
                    ALTER TABLE api_key ADD COLUMN role TEXT NOT NULL DEFAULT 'admin';
                    ALTER TABLE api_key ADD COLUMN revoked_at INTEGER;
                    ALTER TABLE api_key ADD COLUMN last_used_at INTEGER;
                    """)
        }
        migrator.registerMigration("v8-connector-waiting") { db in
            try db.execute(sql: "ALTER TABLE connector_state ADD COLUMN waiting TEXT")
        }
        migrator.registerMigration("v9-claims-and-leases") { db in
            try db.execute(
                sql: """
                    ALTER TABLE outbox ADD COLUMN claimed_by TEXT;
                    ALTER TABLE outbox ADD COLUMN claim_until INTEGER;
                    CREATE TABLE connector_lease (
                        connector TEXT PRIMARY KEY NOT NULL,
                        owner TEXT NOT NULL,
                        until INTEGER NOT NULL,
                        token INTEGER NOT NULL
                    );
                    """)
        }
        migrator.registerMigration("v10-console-sessions") { db in
            try db.execute(
                sql: """
                    CREATE TABLE console_session (
                        id_hash TEXT PRIMARY KEY NOT NULL,
                        key_id TEXT NOT NULL,
                        key_name TEXT NOT NULL,
                        role TEXT NOT NULL,
                        csrf TEXT NOT NULL,
                        expires_at INTEGER NOT NULL,
                        flash_kind TEXT,
                        flash_text TEXT,
                        sealed_drafts BLOB
                    );
                    CREATE INDEX console_session_key ON console_session(key_id);
                    """)
        }
        migrator.registerMigration("v11-replicas") { db in
            try db.execute(
                sql: """
                    CREATE TABLE replica (
                        id TEXT PRIMARY KEY NOT NULL,
                        host TEXT NOT NULL,
                        pid INTEGER NOT NULL,
                        version TEXT NOT NULL,
                        started_at INTEGER NOT NULL,
                        heartbeat_at INTEGER NOT NULL,
                        stopped_at INTEGER
                    );
                    """)
        }
        migrator.registerMigration("v12-send-slots-and-request-budgets") { db in
            try db.execute(
                sql: """
                    CREATE TABLE send_slot (
                        integration_id TEXT NOT NULL,
                        owner TEXT NOT NULL,
                        slots INTEGER NOT NULL,
                        until INTEGER NOT NULL,
                        PRIMARY KEY (integration_id, owner)
                    );
                    CREATE TABLE request_budget (
                        key TEXT PRIMARY KEY NOT NULL,
                        next_at INTEGER NOT NULL
                    );
                    """)
        }
        migrator.registerMigration("v13-event-enrichment") { db in
            // What the enrichment sources added to an event when it was first delivered: each distinct enrichment once
            // (by the digest of its JSON, so alerts on one host or by one person share it), and which event had which.
            try db.execute(
                sql: """
                    CREATE TABLE enrichment (
                        digest TEXT PRIMARY KEY NOT NULL,
                        json TEXT NOT NULL
                    );
                    CREATE TABLE event_enrichment (
                        event_id TEXT PRIMARY KEY NOT NULL REFERENCES event(id),
                        digest TEXT NOT NULL REFERENCES enrichment(digest)
                    );
                    """)
        }
        migrator.registerMigration("v14-history") { db in
            // What a connector's and an integration's pages chart and list: each poll as it ended, each integration's
            // deliveries by the hour with a histogram of their latency, and its recent failed attempts.
            try db.execute(
                sql: """
                    CREATE TABLE poll_history (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        connector TEXT NOT NULL REFERENCES connector(name) ON DELETE CASCADE,
                        started_at INTEGER NOT NULL,
                        finished_at INTEGER NOT NULL,
                        pages INTEGER NOT NULL,
                        fetched INTEGER NOT NULL,
                        added INTEGER NOT NULL,
                        rejected INTEGER NOT NULL,
                        error TEXT
                    );
                    CREATE INDEX poll_history_connector ON poll_history(connector, seq);
                    CREATE TABLE delivery_hour (
                        integration_id TEXT NOT NULL,
                        hour INTEGER NOT NULL,
                        delivered INTEGER NOT NULL,
                        retried INTEGER NOT NULL,
                        dead INTEGER NOT NULL,
                        latency TEXT NOT NULL,
                        PRIMARY KEY (integration_id, hour)
                    );
                    CREATE TABLE delivery_failure (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        integration_id TEXT NOT NULL,
                        at INTEGER NOT NULL,
                        kind TEXT NOT NULL,
                        rows INTEGER NOT NULL,
                        message TEXT NOT NULL
                    );
                    CREATE INDEX delivery_failure_integration ON delivery_failure(integration_id, seq);
                    """)
        }
        migrator.registerMigration("v15-last-added") { db in
            // When a poll last added events: a connector quiet for longer than its operator allows raises a health event.
            try db.execute(sql: "ALTER TABLE connector_state ADD COLUMN last_added_at INTEGER")
        }
        migrator.registerMigration("v16-alert-actions") { db in
            // Actions taken on findings in Prisma Cloud through the relay, each with Prisma's answer.
            try db.execute(
                sql: """
                    CREATE TABLE alert_action (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        connector TEXT NOT NULL,
                        native_id TEXT NOT NULL,
                        event_id TEXT NOT NULL,
                        action TEXT NOT NULL,
                        note TEXT,
                        duration TEXT,
                        actor TEXT NOT NULL,
                        origin TEXT,
                        requested_at INTEGER NOT NULL,
                        outcome TEXT NOT NULL,
                        detail TEXT NOT NULL,
                        status_code INTEGER
                    );
                    CREATE INDEX alert_action_finding ON alert_action(connector, native_id, seq);
                    """)
        }
        // The outbox indexed as PostgreSQL's is: the waiting rows in queue order (`outbox_queue`), so a claim reads the
        // head of the queue and stops instead of sorting every due row of a backlog; an alert's waiting rows
        // (`outbox_queue_alert`, for its order) and the dead letters, each in an index of their own, which a row
        // leaves when it is settled. Recording an outcome no longer moves a row's entries within indexes that hold
        // every row ever queued (by state and time, by alert and state); `outbox_alert` keeps only what backfill
        // asks: whether an alert ever had a row.
        migrator.registerMigration("v17-outbox-queue") { db in
            try db.execute(
                sql: """
                    DROP INDEX outbox_due;
                    DROP INDEX outbox_alert;
                    CREATE INDEX outbox_alert ON outbox(integration_id, alert_key);
                    CREATE INDEX outbox_queue ON outbox(integration_id, seq) WHERE state = 'pending';
                    CREATE INDEX outbox_queue_alert ON outbox(integration_id, alert_key, seq) WHERE state = 'pending';
                    CREATE INDEX outbox_dead ON outbox(integration_id, seq) WHERE state = 'dead';
                    """)
        }
        // An outbox row keeps the digest of the enrichment it was delivered with, set when the delivery is recorded
        // (on a page the recording writes anyway), instead of a row per event in a table keyed by the event's id,
        // whose index took a write at a random place for every enriched event delivered. An event shows the
        // enrichment of its first enriched delivery, as before.
        migrator.registerMigration("v18-outbox-enrichment") { db in
            try db.execute(
                sql: """
                    ALTER TABLE outbox ADD COLUMN enrichment_digest TEXT;
                    UPDATE outbox SET enrichment_digest = (SELECT digest FROM event_enrichment WHERE event_enrichment.event_id = outbox.event_id)
                    WHERE state = 'delivered';
                    DROP TABLE event_enrichment;
                    """)
        }
        // A runtime audit's version is its time and count (`millis-count`): its time was read as the whole version, which
        // is no number, so such events were stored as of 1970 and listed last. Their times are read again from the
        // version.
        migrator.registerMigration("v19-runtime-audit-times") { db in
            try db.execute(
                sql: """
                    UPDATE event SET updated_ms = CAST(substr(version, 1, instr(version, '-') - 1) AS INTEGER)
                    WHERE kind = 'audit' AND updated_ms = 0 AND version GLOB '[0-9]*-*'
                    """)
        }
        // The two indexes of events — newest first, and by connector — also hold every field the console and the API
        // filter and count by, so that a count (a total, the hourly charts) reads an index alone and a filtered page only
        // the rows it lists; the index by severity goes (the newest-first one holds severity). At a million events
        // (3.4 GB), counting by severity and module read every event's row, 2.2 s with every page cached, and a page of
        // audit records when there were none 0.73 s; now 0.9 and 0.12 s.
        migrator.registerMigration("v20-event-facets") { db in
            try db.execute(
                sql: """
                    DROP INDEX event_newest;
                    DROP INDEX event_by_connector;
                    DROP INDEX event_by_severity;
                    CREATE INDEX event_newest ON event(updated_ms DESC, seq DESC, connector, severity, kind, module, status);
                    CREATE INDEX event_by_connector ON event(connector, updated_ms DESC, seq DESC, severity, kind, module, status);
                    """)
        }
        return migrator
    }
}
