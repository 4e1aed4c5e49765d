import Foundation
import GRDB
import PostgresNIO
import RelayModel

/// `db copy`: moves a SQLite database into this PostgreSQL database table by table, in one transaction, re-sealing
/// every secret under this database's key. Rows the target already holds (same key) are kept as they are, so a
/// second copy adds nothing. Claims, leases and console sessions belong to the processes that made them and stay
/// behind; events and outbox rows get this database's sequence numbers, in the source's order.
extension PostgresStore {
    /// A table that moves, and its sealed column with the column whose value authenticates it.
    struct CopiedTable: Sendable {
        let name: String
        var sealed: (column: String, context: String)? = nil
        /// Columns the target numbers itself (identity sequences) or that describe a process's claim.
        var dropped: Set<String> = []
    }

    /// In an order that meets the foreign keys.
    static let copiedTables: [CopiedTable] = [
        .init(name: "connector", sealed: ("secret", "name")),
        .init(name: "connector_state"),
        .init(name: "event", dropped: ["seq"]),
        .init(name: "enrichment"),
        .init(name: "rejected_finding"),
        .init(name: "integration", sealed: ("sealed_config", "id")),
        .init(name: "integration_state"),
        .init(name: "alert_rule"),
        .init(name: "outbox", dropped: ["seq", "claimed_by", "claim_until"]),
        .init(name: "legacy_destination_key"),
        .init(name: "api_key"),
        .init(name: "poll_history", dropped: ["seq"]),
        .init(name: "delivery_hour"),
        .init(name: "delivery_failure", dropped: ["seq"]),
        .init(name: "alert_action", dropped: ["seq"]),
    ]

    /// What a copy did to one table.
    public struct CopiedCount: Sendable, Equatable {
        public let table: String
        /// Rows added to the target.
        public let copied: Int
        /// Rows the target held already (a second copy, or `merge`).
        public let kept: Int
    }

    /// Copies `source` into this database. Refused when the source is in use (a serve beats on it, or a poll holds a
    /// connector lease), when this database already holds data and `merge` is false, or when the source's secrets do not open
    /// with its key. With `merge`, rows already here stay as they are and only the missing ones are added.
    public func copy(from source: SQLiteStore, merge: Bool) async throws -> [CopiedCount] {
        let now = clock()
        if let running = try await source.replicas(now: now).first(where: { $0.liveness(at: now) == .running }) {
            throw StoreError.copyRefused(
                "a relay is still running on \(source.path): serve on \(running.host) (pid \(running.pid)) beat "
                    + "\(max(0, now - running.heartbeatAt) / 1000) s ago. Stop every serve on that database first")
        }
        let live = try await source.pool.read { db -> (connector: String, until: Int64)? in
            try Row.fetchOne(
                db, sql: "SELECT connector, until FROM connector_lease WHERE until > ? AND connector <> ? ORDER BY until DESC",
                arguments: [now, ConnectorLease.twoWaySync]
            )
            .map { ($0["connector"], $0["until"]) }
        }
        if let live {
            throw StoreError.copyRefused(
                "a relay is still using \(source.path): it holds the lease on connector \"\(live.connector)\" for "
                    + "\(max(1, (live.until - now + 999) / 1000)) s more. Stop every serve on that database first (a killed one's "
                    + "lease runs out by itself)")
        }
        if !merge {
            let held = try await heldRows()
            if !held.isEmpty {
                throw StoreError.copyRefused(
                    "\(location) is not empty (it holds \(held.joined(separator: ", "))): copy into a new database, or give "
                        + "--merge to add only what it lacks (rows already there are kept as they are)")
            }
        }
        var tables: [(CopiedTable, [CopiedColumn])] = []
        for table in Self.copiedTables { tables.append((table, try await columns(of: table, in: source))) }
        let sourceBox = source.box
        let targetBox = box
        return try await transaction { [logger, tables] connection in
            var counts: [CopiedCount] = []
            for (table, columns) in tables {
                let names = columns.map(\.name).joined(separator: ", ")
                var after: Int64 = 0
                var copied = 0
                var read = 0
                while true {
                    let page = try await source.pool.read { [after] db in
                        let rows = try Row.fetchAll(
                            db,
                            sql: "SELECT rowid AS copy_rowid, \(names) FROM \(table.name) "
                                + "WHERE rowid > ? ORDER BY rowid LIMIT 500", arguments: [after])
                        return (
                            last: rows.last.map { $0["copy_rowid"] as Int64 },
                            records: try rows.map { try Self.record($0, columns: columns, table: table, from: sourceBox, to: targetBox) }
                        )
                    }
                    guard let last = page.last else { break }
                    after = last
                    read += page.records.count
                    let inserted = try await connection.rows(
                        PostgresQuery(
                            unsafeSQL: """
                                WITH added AS (
                                    INSERT INTO \(table.name) (\(names))
                                    SELECT \(names) FROM jsonb_populate_recordset(NULL::\(table.name), $1::jsonb) WITH ORDINALITY
                                    ORDER BY ordinality
                                    ON CONFLICT DO NOTHING RETURNING 1)
                                SELECT count(*) AS added FROM added
                                """,
                            binds: try Self.binds(JSONValue.array(page.records).jsonString())), logger: logger)
                    copied += Int(try inserted.first?.get("added", as: Int64.self) ?? 0)
                }
                counts.append(CopiedCount(table: table.name, copied: copied, kept: read - copied))
            }
            return counts
        }
    }

    /// A column copied: its name and its type in this database.
    struct CopiedColumn: Sendable {
        let name: String
        let type: String
    }

    /// The columns of `table` both databases have, with the target's types. A source column the target lacks would
    /// be lost, so it refuses the copy.
    func columns(of table: CopiedTable, in source: SQLiteStore) async throws -> [CopiedColumn] {
        let target = try await rows(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = \(table.name) ORDER BY ordinal_position"
        ).map { CopiedColumn(name: try $0.get("column_name"), type: try $0.get("data_type")) }
        let sourceNames = try await source.pool.read { db in try db.columns(in: table.name).map(\.name) }
        let missing = sourceNames.filter { name in !target.contains { $0.name == name } }
        guard missing.isEmpty else {
            throw StoreError.copyRefused(
                "\(location) has no column \(missing.joined(separator: ", ")) in \(table.name), which \(source.path) fills: "
                    + "run this build's prisma-relay db migrate on it, or copy with the release that wrote the source")
        }
        return target.filter { sourceNames.contains($0.name) && !table.dropped.contains($0.name) }
    }

    /// One source row as the JSON object `jsonb_populate_recordset` reads, its sealed column re-sealed.
    static func record(_ row: Row, columns: [CopiedColumn], table: CopiedTable, from source: SecretBox, to target: SecretBox) throws
        -> JSONValue
    {
        var members: [JSONObject.Member] = []
        for column in columns {
            let value = row[column.name] as DatabaseValue
            if let sealed = table.sealed, sealed.column == column.name {
                let owner: String = row[sealed.context]
                guard let data = Data.fromDatabaseValue(value), let plain = source.open(data, context: owner) else {
                    throw StoreError.copyRefused(
                        "the secret of \(table.name) \"\(owner)\" does not open with the source's key: give the key it was "
                            + "sealed with (the key file beside the SQLite database, or PRISMA_RELAY_MASTER_KEY when it used that)")
                }
                members.append(.init(key: column.name, value: .string(hex(try target.seal(plain, context: owner)))))
            } else {
                members.append(.init(key: column.name, value: json(value, as: column.type)))
            }
        }
        return .object(JSONObject(members))
    }

    static func json(_ value: DatabaseValue, as type: String) -> JSONValue {
        switch value.storage {
        case .null: .null
        case .int64(let number): type == "boolean" ? .bool(number != 0) : type == "text" ? .string(String(number)) : .int(number)
        case .double(let number): type == "text" ? .string(String(number)) : .number(String(number))
        case .string(let text): .string(text)
        case .blob(let data): type == "bytea" ? .string(hex(data)) : .string(String(decoding: data, as: UTF8.self))
        }
    }

    /// PostgreSQL's hex input form of bytea.
    static func hex(_ data: Data) -> String { "\\x" + Hex.string(data) }

    static func binds(_ json: String) throws -> PostgresBindings {
        var binds = PostgresBindings()
        binds.append(json)
        return binds
    }

    /// What this database holds that a copy could collide with, as "2 connectors"-style phrases (none when empty).
    func heldRows() async throws -> [String] {
        var held: [String] = []
        for (table, noun) in [
            ("connector", "connector"), ("integration", "integration"), ("alert_rule", "rule"), ("event", "event"),
            ("api_key", "API key"),
        ] {
            let count = try await rows(PostgresQuery(unsafeSQL: "SELECT count(*) AS n FROM \(table)")).first?.get("n", as: Int64.self) ?? 0
            if count > 0 { held.append("\(count) \(noun)\(count == 1 ? "" : "s")") }
        }
        return held
    }
}
