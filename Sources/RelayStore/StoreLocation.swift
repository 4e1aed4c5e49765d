import Foundation
import RelayModel

/// Opens the store that `--database` / `PRISMA_RELAY_DATABASE` names: a file path (or a `sqlite:` or `file:` URL)
/// is the embedded SQLite store; a `postgres://` URL is the PostgreSQL store replicas share. `serve`, `demo`, the
/// CLI, the bench and the tests all open stores here.
public enum StoreLocation {
    /// The store at `location`, created and migrated when new (`migrate: false` leaves a PostgreSQL database's schema
    /// to `prisma-relay db migrate`, and refuses one that is behind unless `checked` is false).
    public static func open(
        _ location: String, migrate: Bool = true, checked: Bool = true,
        clock: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) }
    ) async throws -> any RelayStore {
        let trimmed = location.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else {
            throw StoreError.badLocation(
                "the database location is empty: give a file path such as prisma-relay.sqlite, or postgres://user@host/db")
        }
        if PostgresSettings.names(trimmed) {
            return try await PostgresStore.open(try PostgresSettings.parse(trimmed), migrate: migrate, checked: checked, clock: clock)
        }
        if let path = sqlitePath(trimmed) { return try SQLiteStore(path: path, clock: clock) }
        if let scheme = trimmed.range(of: "://").map({ String(trimmed[..<$0.lowerBound]) }) {
            throw StoreError.badLocation(
                "\(scheme):// databases are not supported: give a file path for the embedded SQLite store, or a postgres:// URL")
        }
        return try SQLiteStore(path: trimmed, clock: clock)
    }

    /// The file a `sqlite:` or `file:` URL names (nil for any other location).
    public static func sqlitePath(_ location: String) -> String? {
        for prefix in ["sqlite://", "sqlite:", "file://", "file:"] where location.hasPrefix(prefix) {
            return String(location.dropFirst(prefix.count))
        }
        return nil
    }
}
