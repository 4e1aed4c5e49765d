import Foundation
import RelayModel

/// Opens the store that `--database` / `PRISMA_RELAY_DATABASE` names: a file path (or a `sqlite:` or `file:` URL)
/// is the embedded SQLite store. `serve`, `demo`, the CLI, the bench and the tests all open stores here.
public enum StoreLocation {
    /// The store at `location`, created and migrated when new.
    public static func open(
        _ location: String, clock: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) }
    ) throws -> any RelayStore {
        let trimmed = location.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else {
            throw StoreError.badLocation("the database location is empty: give a file path such as prisma-relay.sqlite")
        }
        for prefix in ["sqlite://", "sqlite:", "file://", "file:"] where trimmed.hasPrefix(prefix) {
            return try SQLiteStore(path: String(trimmed.dropFirst(prefix.count)), clock: clock)
        }
        if let scheme = trimmed.range(of: "://").map({ String(trimmed[..<$0.lowerBound]) }) {
            throw StoreError.badLocation(
                "\(scheme):// databases are not supported by this build: give a file path for the embedded SQLite store")
        }
        return try SQLiteStore(path: trimmed, clock: clock)
    }
}
