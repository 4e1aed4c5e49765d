import Crypto
import Foundation
import PostgresNIO
import RelayModel
import TestSupport
import Testing

@testable import RelayStore

@Suite("PostgreSQL store")
struct PostgresStoreTests {
    static func key() -> SecretBox { SecretBox(key: SymmetricKey(size: .bits256)) }

    @Test("the password comes from the URL, a password file or PGPASSWORD, and the location shown never holds it")
    func passwordSources() throws {
        let inURL = try PostgresSettings.parse("postgres://relay:s%40cret@db.example.com/relay?sslmode=require", environment: [:])
        #expect(inURL.password == "s@cret")
        #expect(inURL.location == "postgres://relay@db.example.com:5432/relay?sslmode=require")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("pw-\(UUID().uuidString)").path
        try "from-file\n".write(toFile: file, atomically: true, encoding: .utf8)
        let fromFile = try PostgresSettings.parse("postgres://relay@db.example.com:6543/x?password_file=\(file)", environment: [:])
        #expect(fromFile.password == "from-file")
        #expect(fromFile.port == 6543)
        #expect(try PostgresSettings.parse("postgres://relay@db/x", environment: ["PGPASSWORD": "env-pw"]).password == "env-pw")
        let defaults = try PostgresSettings.parse("postgresql://relay@db", environment: [:])
        #expect(defaults.database == "relay" && defaults.sslMode == .prefer && defaults.poolSize == PostgresSettings.defaultPoolSize)
        #expect(try PostgresSettings.parse("postgres://relay@db/x?pool_size=3", environment: [:]).poolSize == 3)
    }

    @Test("a location that cannot be used is refused naming the setting, without echoing the password")
    func badLocations() {
        let cases: [(String, String)] = [
            (
                "postgres://relay:hunter2@db/x?sslmode=always",
                "sslmode always is not one of disable, prefer, require, verify-ca, verify-full"
            ),
            ("postgres://relay:hunter2@db/x?pool_size=0", "pool_size 0 is not a number of connections from 1 to 200"),
            ("postgres://relay:hunter2@db/x?timeout=5", "timeout is not a setting the relay reads"),
            ("postgres://db/x", "it names no user"),
            ("postgres://relay@db/x?sslrootcert=/nonexistent/ca.pem", "sslrootcert /nonexistent/ca.pem cannot be read"),
        ]
        for (location, problem) in cases {
            do {
                _ = try PostgresSettings.parse(location, environment: [:])
                Issue.record("\(location) was accepted")
            } catch {
                let text = "\(error)"
                #expect(text.contains(problem), "\(text)")
                #expect(!text.contains("hunter2"), "\(text)")
            }
        }
    }

    @Test("TLS: require encrypts, verify-full checks the CA and the host name, and an untrusted certificate is said in words")
    func tls() async throws {
        let url = try await TestPostgres.freshDatabaseURL().replacingOccurrences(of: "sslmode=disable", with: "") + "&"
        let ca = try #require(TestPostgres.caFile)
        func open(_ query: String, host: String = "127.0.0.1") async throws -> PostgresStore {
            let location = (url + query).replacingOccurrences(of: "@127.0.0.1:", with: "@\(host):")
            return try await PostgresStore.open(try PostgresSettings.parse(location), box: try TestPostgres.masterKey)
        }
        let required = try await open("sslmode=require")
        #expect(required.location.contains("sslmode=require"))
        #expect(try await required.connectedWithTLS())
        let verified = try await open("sslmode=verify-full&sslrootcert=\(ca)", host: "localhost")
        #expect(try await verified.connectedWithTLS())
        #expect(try await !open("sslmode=disable").connectedWithTLS())
        do {
            _ = try await open("sslmode=verify-ca")
            Issue.record("a certificate from an unknown CA was trusted")
        } catch {
            #expect("\(error)".contains("presented a TLS certificate the relay does not trust"), "\(error)")
        }
        await #expect(throws: StoreError.self) { try await open("sslmode=verify-full&sslrootcert=\(ca)") }
    }

    @Test("a wrong password, a missing database and a server that is not there are each said in words, password not shown")
    func connectionErrors() async throws {
        let url = try await TestPostgres.freshDatabaseURL()
        let settings = try PostgresSettings.parse(url)
        let password = try #require(settings.password)
        func failure(_ location: String) async -> String {
            do {
                _ = try await PostgresStore.open(try PostgresSettings.parse(location), box: Self.key())
                return "opened"
            } catch { return "\(error)" }
        }
        let wrong = await failure(url.replacingOccurrences(of: ":\(password)@", with: ":not-it@"))
        #expect(wrong.contains("refused the password of user relay") && wrong.contains("28P01"), "\(wrong)")
        let missing = await failure(url.replacingOccurrences(of: "/\(settings.database)?", with: "/no_such_db?"))
        #expect(missing.contains("has no database no_such_db: create it"), "\(missing)")
        let closed = await failure(url.replacingOccurrences(of: ":\(settings.port)/", with: ":1/"))
        #expect(closed.contains("PostgreSQL at 127.0.0.1:1 cannot be reached (connection refused)"), "\(closed)")
        for text in [wrong, missing, closed] { #expect(!text.contains(password)) }
    }

    @Test("a server that refuses writes (a read-only database, a standby) is said as that, not as a row that cannot be read")
    func readOnlyServer() async throws {
        let url = try await TestPostgres.freshDatabaseURL()
        let name = try PostgresSettings.parse(url).database
        _ = try await TestPostgres.admin { connection, logger in
            try await connection.query(
                PostgresQuery(unsafeSQL: "ALTER DATABASE \(name) SET default_transaction_read_only = on"), logger: logger)
        }
        do {
            _ = try await TestPostgres.open(try PostgresSettings.parse(url))
            Issue.record("a read-only database was migrated")
        } catch let error as StoreError {
            guard case .refused(let detail) = error else {
                Issue.record("\(error)")
                return
            }
            #expect(detail.hasPrefix("PostgreSQL at "), "\(detail)")
            #expect(
                detail.contains(
                    "refused a statement: check the user's privileges on the database and that the server accepts writes (SQLSTATE 25006"),
                "\(detail)")
        }
    }

    @Test("a statement that waits too long for a pooled connection fails in words naming pool_size, and the store works again after")
    func poolExhausted() async throws {
        var settings = try PostgresSettings.parse(try await TestPostgres.freshDatabaseURL())
        settings.poolSize = 1
        // A wait of 3 s. Opening the store (migrating a new database, through one connection made on a machine busy with
        // the rest of the suite) may itself outlast it: the database is migrated first by a store with the usual wait.
        let key = Self.key()
        try await PostgresStore.open(settings, box: key).close()
        let store = try await PostgresStore.open(settings, box: key, connectionWait: .seconds(3))
        defer { store.close() }
        // The pool's one connection is held until the test lets it go.
        let (held, holding) = AsyncStream<Void>.makeStream()
        let (release, releasing) = AsyncStream<Void>.makeStream()
        let busy = Task {
            try await store.transaction { connection in
                try await connection.query("SELECT 1", logger: store.logger)
                holding.yield()
                for await _ in release { break }
            }
        }
        for await _ in held { break }
        do {
            _ = try await store.connectors()
            Issue.record("a statement ran while the only pooled connection was busy")
        } catch {
            #expect(
                "\(error)".contains("answers, but all 1 pooled connections stayed busy for 3 s: raise pool_size"), "\(error)")
        }
        releasing.yield()
        try await busy.value
        #expect(try await store.connectors().isEmpty)
    }

    @Test("a commit that queues deliveries on one replica wakes another replica's delivery loop at once, not at its tick")
    func queuedWakesOtherReplicas() async throws {
        let postgres = try #require(StoreUnderTest.all.first { $0.description == "PostgreSQL" })
        let first = try await StoreConformanceTests.routed(postgres)
        let second = try await postgres.reopen(first)
        // Nothing rang the second replica yet: its wait runs to the limit.
        let quiet = ContinuousClock.now
        await second.queued.wait(atMost: .milliseconds(300))
        #expect(ContinuousClock.now - quiet >= .milliseconds(300))
        // Its listener connects on its own; a commit before that is seen at the tick, so a few are tried.
        var woken = false
        for attempt in 1...20 where !woken {
            _ = try await first.commit(events: [try StoreConformanceTests.event("P-\(attempt)")], connector: "prod", cursor: nil)
            let started = ContinuousClock.now
            await second.queued.wait(atMost: .seconds(2))
            woken = ContinuousClock.now - started < .seconds(1)
        }
        #expect(woken)
    }

    @Test("replicas starting together on a new database migrate it once; a build that may not migrate says what to run")
    func migrations() async throws {
        let settings = try PostgresSettings.parse(try await TestPostgres.freshDatabaseURL())
        let key = try TestPostgres.masterKey
        await #expect(throws: StoreError.self) { try await PostgresStore.open(settings, box: key, migrate: false) }
        do {
            _ = try await PostgresStore.open(settings, box: key, migrate: false)
        } catch {
            #expect("\(error)".contains("is at schema version 0, and this build needs 10: run prisma-relay db migrate"))
        }
        let stores = try await withThrowingTaskGroup(of: PostgresStore.self) { group in
            for _ in 0..<4 { group.addTask { try await PostgresStore.open(settings, box: key) } }
            var all: [PostgresStore] = []
            for try await store in group { all.append(store) }
            return all
        }
        #expect(stores.count == 4)
        #expect(try await stores[0].appliedMigrations() == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
        #expect(try await stores[0].migrate().isEmpty)
        #expect(try await PostgresStore.open(settings, box: key, migrate: false).schemaVersion() == 10)
    }

    @Test("a replica given another master key refuses to start; rotation re-seals every secret and moves the key record")
    func masterKey() async throws {
        let settings = try PostgresSettings.parse(try await TestPostgres.freshDatabaseURL())
        let first = Self.key()
        let store = try await PostgresStore.open(settings, box: first)
        try await store.addConnector(
            ConnectorConfig(name: "prod", apiURL: "https://api.prismacloud.io", accessKeyID: "id", secretKey: Secret("CONNECTOR-SECRET")))
        do {
            _ = try await PostgresStore.open(settings, box: Self.key())
            Issue.record("a replica with another key started")
        } catch {
            #expect("\(error)".contains("PRISMA_RELAY_MASTER_KEY is not the key the secrets in"), "\(error)")
        }
        let next = Self.key()
        #expect(try await store.reseal(with: next) == 1)
        await #expect(throws: StoreError.self) { try await PostgresStore.open(settings, box: first) }
        let rotated = try await PostgresStore.open(settings, box: next)
        #expect(try await rotated.connector(named: "prod")?.secretKey.reveal() == "CONNECTOR-SECRET")
    }

    @Test(
        "rotation while replicas run: a replica given the new key and the previous one reads and writes secrets before, during and after the rotation, and every replica signs API tokens alike"
    )
    func rotationWhileReplicasRun() async throws {
        let settings = try PostgresSettings.parse(try await TestPostgres.freshDatabaseURL())
        let old = SymmetricKey(size: .bits256)
        let new = SymmetricKey(size: .bits256)
        let onOld = try await PostgresStore.open(settings, box: SecretBox(key: old))
        try await onOld.addConnector(
            ConnectorConfig(name: "prod", apiURL: "https://api.prismacloud.io", accessKeyID: "id", secretKey: Secret("FIRST-SECRET")))
        // Restarted with the new key and the old one as previous: it still seals with the old one, which the
        // replica not restarted yet reads.
        let both = try await PostgresStore.open(settings, box: SecretBox(key: new, alsoOpening: [old]))
        #expect(try await both.connector(named: "prod")?.secretKey.reveal() == "FIRST-SECRET")
        try await both.addConnector(
            ConnectorConfig(name: "second", apiURL: "https://api.prismacloud.io", accessKeyID: "id", secretKey: Secret("SECOND-SECRET")))
        #expect(try await onOld.connector(named: "second")?.secretKey.reveal() == "SECOND-SECRET")
        #expect(both.derivedKey(purpose: "api-jwt") == onOld.derivedKey(purpose: "api-jwt"))

        // The rotation, from the command line's own store.
        #expect(try await onOld.reseal(with: SecretBox(key: new)) == 2)
        // The running replica reads what was re-sealed without a restart, and once it has seen the new record (its
        // next heartbeat) seals with the new key.
        #expect(try await both.connector(named: "prod")?.secretKey.reveal() == "FIRST-SECRET")
        try await both.recordHeartbeat(
            Replica(id: "r", host: "h", pid: 1, version: "v", startedAt: 0, heartbeatAt: Int64(Date().timeIntervalSince1970 * 1000)))
        try await both.addConnector(
            ConnectorConfig(name: "third", apiURL: "https://api.prismacloud.io", accessKeyID: "id", secretKey: Secret("THIRD-SECRET")))
        // Replicas given only the new key start and read everything; one given only the old key refuses to start.
        let onNew = try await PostgresStore.open(settings, box: SecretBox(key: new))
        for (name, secret) in [("prod", "FIRST-SECRET"), ("second", "SECOND-SECRET"), ("third", "THIRD-SECRET")] {
            #expect(try await onNew.connector(named: name)?.secretKey.reveal() == secret)
        }
        await #expect(throws: StoreError.self) { try await PostgresStore.open(settings, box: SecretBox(key: old)) }
        // API tokens stay valid across the rotation: the signing secret is the database's, not the master key.
        #expect(onNew.derivedKey(purpose: "api-jwt") == onOld.derivedKey(purpose: "api-jwt"))
    }
}
