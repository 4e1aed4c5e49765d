import GRDB

/// The SQLite schema, one registered migration per version; a migration once released never changes.
enum SQLiteMigrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-connectors-events") { db in
            try db.execute(sql: """
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
        return migrator
    }
}
