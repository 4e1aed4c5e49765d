import Testing

@testable import RelayStore

/// A PostgreSQL migration is one text, run statement by statement.
@Suite("PostgreSQL migrations as statements")
struct PostgresMigrationsTests {
    @Test("a migration is cut into its statements at each ending ';', and a ';' in a comment line cuts nothing")
    func commentsCutNothing() {
        let sql = """
            -- First the table; then its index.
            CREATE TABLE t (a TEXT);
              -- an indented comment; with a semicolon
            CREATE INDEX t_a ON t(a)
            """
        #expect(PostgresMigrations.statements(sql) == ["CREATE TABLE t (a TEXT)", "CREATE INDEX t_a ON t(a)"])
    }

    @Test("every statement of every migration begins with a statement's verb, never with a piece of a comment")
    func everyMigrationCutsIntoStatements() {
        let verbs: Set = ["CREATE", "ALTER", "DROP", "UPDATE", "INSERT", "DELETE"]
        for migration in PostgresMigrations.all {
            let statements = PostgresMigrations.statements(migration.sql)
            #expect(!statements.isEmpty, "migration \(migration.version)")
            for statement in statements {
                let verb = String(statement.prefix { !$0.isWhitespace })
                #expect(verbs.contains(verb), "migration \(migration.version): \(statement.prefix(80))")
            }
        }
    }
}
