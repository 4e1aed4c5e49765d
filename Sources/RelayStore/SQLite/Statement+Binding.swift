import GRDB
import GRDBSQLite

/// A prepared statement's parameters bound straight from Swift values, in order, as SQLite takes them
/// (`Statement.execute(binding:)`). Storing a page binds some eleven values for each of its events: through GRDB's
/// `StatementArguments` each value is first converted to a `DatabaseValue` through `DatabaseValueConvertible`, which
/// cost more than SQLite's own binding of it.
struct ParameterBinder {
    fileprivate let statement: SQLiteStatement
    fileprivate(set) var count: CInt = 0
    /// The first code other than `SQLITE_OK` a binding answered: a value not bound would be NULL, which the inserts'
    /// `OR IGNORE` would pass over without a word, so the statement is not run at all.
    fileprivate(set) var failure = SQLITE_OK

    /// Text that SQLite copies: a short column.
    mutating func bind(_ text: String) {
        var text = text
        text.withUTF8 { bind(utf8: $0, copied: true) }
    }

    /// UTF-8 text bound where it is, not copied: it must stay valid until the statement has run, so only bytes the
    /// caller holds across `execute(binding:)` are bound this way (an event's body).
    mutating func bind(utf8 text: UnsafeBufferPointer<UInt8>) { bind(utf8: text, copied: false) }

    private mutating func bind(utf8 text: UnsafeBufferPointer<UInt8>, copied: Bool) {
        count += 1
        // An empty buffer may have no address, and SQLite takes a null pointer for NULL: bind an empty text instead.
        guard let address = text.baseAddress else { return noting(sqlite3_bind_text(statement, count, "", 0, Self.transient)) }
        noting(sqlite3_bind_text(statement, count, address, CInt(text.count), copied ? Self.transient : Self.static))
    }

    mutating func bind(_ integer: Int64) {
        count += 1
        noting(sqlite3_bind_int64(statement, count, integer))
    }

    private mutating func noting(_ code: CInt) {
        if code != SQLITE_OK, failure == SQLITE_OK { failure = code }
    }

    /// SQLite's `SQLITE_TRANSIENT` and `SQLITE_STATIC`, which Swift does not import.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
    private static let `static` = unsafeBitCast(0, to: sqlite3_destructor_type.self)
}

extension Statement {
    /// Runs this statement once with the parameters `binding` binds, every one of them, in order. It is still run by
    /// GRDB (its checks, its errors, a failed statement dropped from the cache); only the binding is SQLite's own.
    /// The bindings are cleared after, so no bound pointer outlives the call.
    func execute(binding: (inout ParameterBinder) -> Void) throws {
        // No arguments of GRDB's: the statement is reset, and marked as having its parameters bound.
        setUncheckedArguments(StatementArguments())
        var binder = ParameterBinder(statement: sqliteStatement)
        binding(&binder)
        defer { sqlite3_clear_bindings(sqliteStatement) }
        precondition(binder.count == sqlite3_bind_parameter_count(sqliteStatement), "every parameter of the statement is bound")
        guard binder.failure == SQLITE_OK else {
            throw DatabaseError(
                resultCode: ResultCode(rawValue: binder.failure), message: String(cString: sqlite3_errstr(binder.failure)), sql: sql)
        }
        try execute()
    }
}
