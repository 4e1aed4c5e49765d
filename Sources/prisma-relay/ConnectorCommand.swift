import ArgumentParser
import Foundation
import Relay
import RelayModel

/// `prisma-relay connector …`.
struct ConnectorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "connector", abstract: "Add, inspect, test and poll Prisma Cloud connectors.",
        subcommands: [
            Add.self, List.self, Test.self, Poll.self, Status.self, Rejected.self, SetKey.self, Enable.self, Disable.self, Remove.self,
        ])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a connector. The secret key comes from PRISMA_RELAY_SECRET, --secret-file or a prompt.")

        @OptionGroup var db: DatabaseOptions
        @Option(help: "Unique connector name.") var name: String
        @Option(help: "Connector type: cspm (alerts) or compute (runtime incidents).") var type = "cspm"
        @Option(
            help:
                "cspm: the tenant's API URL, e.g. https://api2.eu.prismacloud.io; compute: the console path, e.g. https://us-east1.cloud.twistlock.com/us-1-123456789."
        )
        var url: String
        @Option(help: "Access key ID (compute: or a Compute user name).") var keyId: String
        @Option(help: "File holding the secret key.") var secretFile: String?
        @Option(help: "Seconds between polls.") var interval = 300
        @Option(help: "Alert status to collect (repeatable): open, resolved, dismissed, snoozed, pending_resolution, all.")
        var status: [String] = ["open"]
        @Option(help: "How far back the first poll reaches, in seconds.") var lookback = 86_400
        @Option(help: "Alerts per page (1–10000).") var pageSize = 200
        @Option(help: "Alert list path: /v2/alert or /alert/v1/alert.") var alertPath = "/v2/alert"
        @Option(help: "Window on which timestamp: updated, opened or status_updated.") var timeField = "updated"
        @Flag(help: "compute: also collect acknowledged (archived) incidents.") var includeAcknowledged = false
        @Flag(help: "cspm: also collect the tenant's Compute runtime incidents with the same key.") var includeIncidents = false
        @Flag(help: "cspm: also collect the tenant's audit log (the key's role must be allowed to view audit logs).")
        var includeAuditLogs = false
        @Flag(help: "Let analysts dismiss, snooze and reopen its alerts (or acknowledge its incidents) in Prisma Cloud.")
        var allowActions = false
        @Option(
            help: ArgumentHelp(
                "compute: an audit stream to collect too (repeatable): \(ComputeAuditStream.allCases.map(\.rawValue).joined(separator: ", "))."
            )
        )
        var runtimeAudits: [String] = []
        @Option(help: "cspm with --include-incidents: the Compute console path (default: asked of the CSPM API).")
        var computeUrl: String?
        @Option(help: "Raise a health event when no poll has succeeded for this many intervals (0: never).") var staleAfterPolls = 3
        @Option(help: "Raise a health event when no new findings arrive for this many seconds (0: never).") var quietAfter = 0
        @Option(help: "A proxy for this connector alone (http://host:port), or direct; default: HTTPS_PROXY and NO_PROXY decide.")
        var proxy: String?
        @Option(help: "The proxy's user, when it asks for one; its password comes from PRISMA_RELAY_PROXY_PASSWORD.")
        var proxyUsername: String?
        @Option(help: "A PEM file of CA certificates trusted for this tenant besides the system's (self-hosted console, TLS inspection).")
        var caFile: String?

        /// The configuration's fields by the options that set them, so an error names what to fix on the command line.
        static let optionNames = [
            "apiURL": "url", "accessKeyID": "key-id", "intervalSeconds": "interval", "statuses": "status", "lookbackSeconds": "lookback",
            "pageSize": "page-size", "alertPath": "alert-path", "timeField": "time-field", "computeURL": "compute-url",
            "runtimeAudits": "runtime-audits", "staleAfterPolls": "stale-after-polls", "quietAfterSeconds": "quiet-after",
            "proxyUsername": "proxy-username", "includeAuditLogs": "include-audit-logs", "secretFile": "secret-file",
        ]

        func run() async throws {
            try await reportingErrors {
                guard let connectorType = ConnectorType(rawValue: type.lowercased()) else {
                    throw ConfigErrors([ConfigError(field: "type", "unknown type \"\(type)\": use cspm or compute")])
                }
                // What the options cannot even be read as is reported with every other problem, not alone.
                var unreadable: [ConfigError] = []
                let field = AlertTimeField(rawValue: timeField)
                if field == nil {
                    unreadable.append(ConfigError(field: "timeField", "use updated, opened or status_updated (got \"\(timeField)\")"))
                }
                // A secret that cannot be read is reported with the rest, in place of the check that it is there.
                var secret = Secret("")
                var secretUnread = false
                do {
                    secret = try readSecret(file: secretFile)
                } catch let missing as ConfigErrors {
                    unreadable += missing.errors
                    secretUnread = true
                }
                var config = ConnectorConfig(
                    name: name, type: connectorType, apiURL: url, accessKeyID: keyId, secretKey: secret,
                    intervalSeconds: interval, statuses: status, lookbackSeconds: lookback, pageSize: pageSize,
                    alertPath: alertPath, timeField: field ?? .updated, includeAcknowledged: includeAcknowledged,
                    includeIncidents: includeIncidents, computeURL: computeUrl)
                config.staleAfterPolls = staleAfterPolls
                config.quietAfterSeconds = quietAfter
                config.proxy = proxy
                config.includeAuditLogs = includeAuditLogs
                config.allowActions = allowActions
                config.runtimeAudits = runtimeAudits.compactMap { name in
                    guard let stream = ComputeAuditStream(rawValue: name.lowercased()) else {
                        unreadable.append(
                            ConfigError(
                                field: "runtimeAudits",
                                "\(name) is not \(ComputeAuditStream.allCases.map(\.rawValue).joined(separator: ", "))"))
                        return nil
                    }
                    return stream
                }
                config.proxyUsername = proxyUsername
                config.proxyPassword = ProcessInfo.processInfo.environment["PRISMA_RELAY_PROXY_PASSWORD"].map(Secret.init)
                if let caFile {
                    guard let data = FileManager.default.contents(atPath: caFile) else {
                        throw ConfigErrors([ConfigError(field: "ca-file", "\(caFile) cannot be read: check the path and its permissions")]
                        )
                    }
                    config.caCertificates = String(decoding: data, as: UTF8.self)
                }
                let app = try await db.open()
                let warnings: [String]
                do {
                    if !unreadable.isEmpty {
                        do { _ = try config.validated() } catch let found as ConfigErrors {
                            unreadable += found.errors.filter { !(secretUnread && $0.field == "secretKey") }
                        }
                        throw ConfigErrors(unreadable)
                    }
                    warnings = try await app.connectors.add(config)
                } catch let errors as ConfigErrors {
                    throw errors.renamingFields(Self.optionNames)
                }
                for warning in warnings { printError("warning: \(warning)") }
                print("Connector \(name) added. Test it with: prisma-relay connector test \(name)")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List connectors with their status.")
        @OptionGroup var db: DatabaseOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await reportingErrors {
                let app = try await db.open()
                var rows = [["NAME", "TYPE", "STATUS", "URL", "LAST POLL", "ADDED", "TOTAL", "LAST ERROR"]]
                var objects: [JSONValue] = []
                for (config, state) in try await app.connectors.list() {
                    objects.append(config.publicJSON(state: state))
                    rows.append([
                        config.name, config.type.rawValue, state.status.rawValue, config.apiURL, displayTime(state.lastPollAt),
                        String(state.lastEventsAdded), String(state.totalEvents), state.lastError ?? "",
                    ])
                }
                print(json ? JSONValue.array(objects).prettyJSONString() : table(rows))
            }
        }
    }

    struct Test: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Log in and ask for one alert, as a poll would.")
        @OptionGroup var db: DatabaseOptions
        @Argument var name: String

        func run() async throws {
            try await reportingErrors {
                let result = try await db.open().connectors.test(name)
                guard result.success else {
                    printError(result.message)
                    throw ExitCode.failure
                }
                print(result.message)
            }
        }
    }

    struct Poll: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Poll a connector once and exit.")
        @OptionGroup var db: DatabaseOptions
        @Argument var name: String

        func run() async throws {
            try await reportingErrors {
                let report = try await db.open().connectors.poll(name)
                if let error = report.error {
                    printError(error)
                    throw ExitCode.failure
                }
                print(
                    "\(name): \(report.pages) pages, \(report.fetched) findings fetched, \(report.added) new events "
                        + "(window \(displayTime(report.windowStart)) – \(displayTime(report.windowEnd)))")
            }
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a connector's status.")
        @OptionGroup var db: DatabaseOptions
        @Argument var name: String
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await reportingErrors {
                let app = try await db.open()
                let config = try await app.connectors.get(name)
                let state = try await app.connectors.state(of: name)
                let silence = Silence.findings(config, state, now: app.clock()).map(\.sentence).joined(separator: "; ")
                if json {
                    print(config.publicJSON(state: state).prettyJSONString())
                    return
                }
                print(
                    """
                    Connector:        \(config.name) (\(config.type.rawValue))
                    URL:              \(config.apiURL)
                    Access key ID:    \(config.accessKeyID)
                    Secret key:       \(config.secretKey)
                    Status:           \(state.status.rawValue)\(state.waiting.map { " (polling: \($0))" } ?? "")
                    Last poll:        \(displayTime(state.lastPollAt))
                    Last success:     \(displayTime(state.lastSuccessAt))
                    Added last poll:  \(state.lastEventsAdded)
                    Total events:     \(state.totalEvents)
                    Collected up to:  \(displayTime(state.cursor))
                    Last error:       \(state.lastError ?? "none")
                    Rejected:         \(state.rejectedFindings == 0 ? "none" : "\(state.rejectedFindings) findings Prisma sent could not be read: prisma-relay connector rejected \(config.name)")
                    Silent:           \(silence.isEmpty ? "no" : silence)
                    """)
            }
        }
    }

    struct Rejected: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the findings a connector could not read (e.g. an alert without an id), whole, with the reason.")
        @OptionGroup var db: DatabaseOptions
        @Argument var name: String

        func run() async throws {
            try await reportingErrors {
                let app = try await db.open()
                let rejected = try await app.connectors.rejected(name)
                if rejected.isEmpty { print("\(name): no rejected findings") }
                for finding in rejected {
                    print("\(displayTime(finding.rejectedAt))  \(finding.reason)\n\(finding.raw.jsonString())")
                }
            }
        }
    }

    struct SetKey: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-key",
            abstract: "Give a connector a new access key (its secret from PRISMA_RELAY_SECRET, --secret-file or a prompt).",
            discussion: """
                For a key that expired or was rotated in Prisma Cloud. The new key is tested first (a login and one read) \
                and stored only if it works, so a mistyped one never replaces a key that works; the cursor and the events \
                stay. A running serve uses it from its next poll.
                """)
        @OptionGroup var db: DatabaseOptions
        @Argument var name: String
        @Option(help: "The new access key ID (compute: or the Compute user name).") var keyId: String
        @Option(help: "File holding the new secret key.") var secretFile: String?
        @Flag(help: "Store the key without testing it (Prisma Cloud cannot be reached from here now).") var noTest = false

        func run() async throws {
            try await reportingErrors {
                let app = try await db.open()
                let secret = try readSecret(file: secretFile)
                let result: ConnectionTestResult?
                do {
                    result = try await app.connectors.replaceKey(name, keyID: keyId, secret: secret, testing: !noTest)
                } catch let errors as ConfigErrors {
                    throw errors.renamingFields(Add.optionNames)
                }
                if let result, !result.success {
                    printError("the new key was not stored: \(result.message) (--no-test stores a key without testing it)")
                    throw ExitCode.failure
                }
                let tested = result.map { "; \($0.message)" } ?? " (not tested)"
                print("Connector \(name) now uses access key \(keyId)\(tested).")
            }
        }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Turn a connector's scheduled polls on.")
        @OptionGroup var db: DatabaseOptions
        @Argument var name: String

        func run() async throws {
            try await reportingErrors {
                try await db.open().connectors.setEnabled(name, true)
                print("Connector \(name) enabled: serve polls it on its interval, from where it left off.")
            }
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Turn a connector's scheduled polls off, keeping it, its cursor and its events.")
        @OptionGroup var db: DatabaseOptions
        @Argument var name: String

        func run() async throws {
            try await reportingErrors {
                try await db.open().connectors.setEnabled(name, false)
                print(
                    "Connector \(name) disabled: serve no longer polls it until prisma-relay connector enable \(name); its cursor and events stay."
                )
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a connector (its events stay).")
        @OptionGroup var db: DatabaseOptions
        @Argument var name: String

        func run() async throws {
            try await reportingErrors {
                try await db.open().connectors.remove(name)
                print("Connector \(name) removed.")
            }
        }
    }
}

/// The secret key from PRISMA_RELAY_SECRET, a file, or a prompt without echo — never from a plain flag.
func readSecret(file: String?) throws -> Secret {
    if let file {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw ConfigErrors([ConfigError(field: "secretFile", "cannot read \(file): check the path and its permissions")])
        }
        return Secret(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
    if let value = ProcessInfo.processInfo.environment["PRISMA_RELAY_SECRET"], !value.isEmpty { return Secret(value) }
    guard isatty(STDIN_FILENO) == 1, let typed = getpass("Secret key: ") else {
        throw ConfigErrors([
            ConfigError(field: "secretKey", "is required: set PRISMA_RELAY_SECRET, pass --secret-file, or run in a terminal to be prompted")
        ])
    }
    return Secret(String(cString: typed))
}
